// A raw TCP/TLS connection speaking RESP, for what a client library cannot do: the replication
// handshake (SYNC) hands the socket over to a byte stream. Errors name host:port, never the password.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { encodeCommand, type RespArg } from './resp-encode.js';
import { parseReply, RespError, type RespReply } from './resp-reply.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

export interface RespSocketOptions {
  connectTimeoutMs?: number;
  /** Fail when the server sends nothing for this long while a reply is awaited (0: never). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export class RespSocket {
  private pending: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly socket: Socket,
    readonly endpoint: RedisEndpoint,
  ) {
    socket.on('data', this.onData);
    socket.on('error', (error) => this.fail(endpointError(endpoint, `connection failed: ${messageOf(error)}`, error)));
    socket.on('close', () => {
      this.closed = true;
      this.fail(endpointError(endpoint, 'the server closed the connection'));
    });
  }

  static async open(endpoint: RedisEndpoint, options: RespSocketOptions = {}): Promise<RespSocket> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const socket = endpoint.tls
      ? connectTls({ host: endpoint.host, port: endpoint.port, servername: isIp(endpoint.host) ? undefined : endpoint.host })
      : connectTcp({ host: endpoint.host, port: endpoint.port });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(endpointError(endpoint, `cannot connect: no answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(endpointError(endpoint, `cannot connect: ${describeSocketError(error)}`, error));
      };
      socket.once('error', onError);
      socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve();
      });
    });
    socket.setNoDelay(true);
    const connection = new RespSocket(socket, endpoint);
    const idle = options.idleTimeoutMs ?? 60_000;
    if (idle > 0) {
      socket.setTimeout(idle, () => connection.destroy(endpointError(endpoint, `the server sent nothing for ${Math.round(idle / 1000)} s`)));
    }
    options.signal?.addEventListener('abort', () => connection.destroy(new Error('aborted')), { once: true });
    return connection;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.wake();
  };

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    this.wake();
  }

  private async waitForData(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => (this.waiter = resolve));
  }

  /** Send one command and read its reply; error replies are returned as RespError. */
  async command(args: readonly RespArg[]): Promise<RespReply> {
    if (this.closed || this.failure) throw this.failure ?? endpointError(this.endpoint, 'the connection is closed');
    this.socket.write(encodeCommand(args));
    return this.readReply();
  }

  async readReply(): Promise<RespReply> {
    for (;;) {
      const parsed = parseReply(this.pending);
      if (parsed) {
        this.pending = this.pending.subarray(parsed.next);
        return parsed.value;
      }
      await this.waitForData();
    }
  }

  /** Read one line (without CRLF), skipping the bare newlines a master sends as keepalives before a payload. */
  async readPayloadHeader(): Promise<string> {
    for (;;) {
      let start = 0;
      while (start < this.pending.length && this.pending[start] === 0x0a) start += 1;
      if (start > 0) this.pending = this.pending.subarray(start);
      const end = this.pending.indexOf('\r\n', 0, 'latin1');
      if (end >= 0) {
        const line = this.pending.toString('latin1', 0, end);
        this.pending = this.pending.subarray(end + 2);
        return line;
      }
      await this.waitForData();
    }
  }

  /** Stop parsing replies: the caller reads the socket directly from here on. Returns bytes already received. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }

  destroy(error?: Error): void {
    if (error) this.fail(error);
    this.socket.destroy();
  }
}

/** Authenticate when the endpoint carries a password (AUTH [user] password); the password is never echoed. */
export async function authenticate(connection: RespSocket): Promise<void> {
  const { endpoint } = connection;
  if (!endpoint.password) return;
  const args = endpoint.username ? ['AUTH', endpoint.username, endpoint.password] : ['AUTH', endpoint.password];
  const reply = await connection.command(args);
  if (reply instanceof RespError) throw endpointError(endpoint, `authentication failed: ${reply.message}`);
}

export function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running and listening on this port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ETIMEDOUT') return 'the connection timed out';
  return error.message;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
