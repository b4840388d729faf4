// A small HTTP proxy between the SDK and the S3 server that injects faults: 500s, throttling, connections
// dropped before an answer or in the middle of a response body. Requests are forwarded byte for byte with
// their Host header, so SigV4 signatures (made for the proxy's address) still verify upstream.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultAction =
  /** 500 InternalError after reading the request. */
  | 'status-500'
  /** 503 SlowDown (throttling). */
  | 'slow-down'
  /** Close the connection once the request has started arriving: the client sees a reset. */
  | 'drop'
  /** Forward, then cut the connection after half of the response body. */
  | 'drop-mid-response';

export interface SeenRequest {
  method: string;
  url: string;
  fault?: FaultAction;
}

export interface FaultRule {
  match: (request: SeenRequest) => boolean;
  action: FaultAction;
  /** How many matching requests get the fault; Infinity for a persistent fault. */
  times: number;
}

export const isUploadPart = (r: SeenRequest): boolean => r.method === 'PUT' && /[?&]partNumber=/.test(r.url) && /[?&]uploadId=/.test(r.url);
export const isGetObject = (r: SeenRequest): boolean => r.method === 'GET' && (!r.url.includes('?') || /[?&]x-id=GetObject(&|$)/.test(r.url));

export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private rules: FaultRule[] = [];
  private readonly upstream: URL;

  private constructor(
    private readonly server: Server,
    upstream: string,
  ) {
    this.upstream = new URL(upstream);
  }

  static async start(upstream: string): Promise<FaultProxy> {
    const holder: { proxy?: FaultProxy } = {};
    const server = createServer((req, res) => holder.proxy!.handle(req, res));
    const proxy = new FaultProxy(server, upstream);
    holder.proxy = proxy;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
    this.seen.length = 0;
  }

  count(match: (r: SeenRequest) => boolean): number {
    return this.seen.filter(match).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/' };
    this.seen.push(seen);
    const rule = this.rules.find((r) => r.times > 0 && r.match(seen));
    if (rule) {
      rule.times -= 1;
      seen.fault = rule.action;
    }
    switch (rule?.action) {
      case 'status-500':
      case 'slow-down': {
        const [status, code] = rule.action === 'status-500' ? [500, 'InternalError'] : [503, 'SlowDown'];
        req.resume();
        req.once('end', () => {
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected fault</Message></Error>`);
        });
        return;
      }
      case 'drop':
        if (req.headers['content-length'] && req.headers['content-length'] !== '0') req.once('data', () => req.socket.destroy());
        else req.socket.destroy();
        return;
      default:
        this.forward(req, res, rule?.action === 'drop-mid-response');
    }
  }

  private forward(req: IncomingMessage, res: ServerResponse, cutMidway: boolean): void {
    const upstream = httpRequest(
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!cutMidway) {
          answer.pipe(res);
          return;
        }
        const half = Math.floor(Number(answer.headers['content-length'] ?? 0) / 2);
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const slice = chunk.subarray(0, half - sent);
          sent += slice.length;
          res.write(slice);
          if (sent >= half) {
            answer.destroy();
            res.socket?.destroy();
          }
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }
}
