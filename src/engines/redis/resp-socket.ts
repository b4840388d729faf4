// A raw TCP/TLS connection speaking RESP, for what a client library cannot do: the replication
// handshake (SYNC) hands the socket over to a byte stream. Errors name host:port, never the password.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { encodeCommand, type RespArg } from './resp-encode.js';
import { parseReply, replyNeed, RespError, type RespReply } from './resp-reply.js';
import { endpointError, type RedisEndpoint } from './redis-url.js';
import { describeTlsError, silentCloseHint } from './tls-errors.js';
import { tlsConnectOptions } from './tls-options.js';

export interface RespSocketOptions {
  connectTimeoutMs?: number;
  /** Fail when the server sends nothing for this long while a reply is awaited (0: never). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The connection will hand over to a bulk payload (SYNC): on plain TCP, read through net's `onread`,
   * so that after handOver() the socket reads straight into the target's memory.
   */
  directReads?: boolean;
}

/** Where the bytes go after handOver() (see payload-chunker.ts). */
export interface PayloadTarget {
  /** Memory the next read may fill (direct reads only). */
  space(): Buffer;
  /** `n` bytes were read into the last space(). */
  received(n: number): void;
  /** Bytes that arrived some other way: copied in. */
  write(data: Buffer): void;
}

/** net's `onread` for a direct-read socket: replies go to the RESP parser, then every read to the target. */
class DirectReads {
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);
  target: PayloadTarget | undefined;
  deliver: (chunk: Buffer) => void = () => undefined;

  readonly onread = {
    buffer: (): Buffer => (this.target ? this.target.space() : this.scratch),
    callback: (n: number, buf: Buffer): boolean => {
      const target = this.target;
      // The parser keeps what it is given, and the scratch is reused by the next read: copy out of it.
      if (!target) this.deliver(Buffer.from(buf.subarray(0, n)));
      // A read lent the scratch before the hand-over lands there.
      else if (buf === this.scratch) target.write(buf.subarray(0, n));
      else target.received(n);
      return true;
    },
  };
}

export class RespSocket {
  /** Received bytes not parsed yet: `pending` from `offset`, then the chunks in `queue`. */
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;
  private queue: Buffer[] = [];
  private queued = 0;
  /** Bytes (from `offset`) the parser waits for: chunks are only joined once that many arrived. */
  private need = 0;
  private waiter: (() => void) | undefined;
  /** While a reply is awaited, fail if the server sends nothing for this long (0: never). */
  private idleTimeoutMs = 60_000;
  private failure: Error | undefined;
  private closed = false;
  /** Whether the server ever sent a byte: a close before that is explained (TLS port, client certificate). */
  private heard = false;

  private constructor(
    readonly socket: Socket,
    readonly endpoint: RedisEndpoint,
    private readonly reads: DirectReads | undefined,
  ) {
    if (reads) reads.deliver = this.onData;
    else socket.on('data', this.onData);
    socket.on('error', (error) => {
      // A reset before any reply is what a TLS port does to plain TCP: say what may be wrong.
      const silent = !this.heard && (error as NodeJS.ErrnoException).code === 'ECONNRESET' && !endpoint.tls;
      const hint = silent ? ` before sending anything (${silentCloseHint(endpoint)})` : '';
      this.fail(endpointError(endpoint, `connection failed: ${describeSocketError(error, endpoint, !this.heard)}${hint}`, error));
    });
    socket.on('close', () => {
      this.closed = true;
      const hint = this.heard ? '' : ` before sending anything (${silentCloseHint(endpoint)})`;
      this.fail(endpointError(endpoint, `the server closed the connection${hint}`));
    });
  }

  static async open(endpoint: RedisEndpoint, options: RespSocketOptions = {}): Promise<RespSocket> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    // TLS decrypts into its own buffers: direct reads are for plain TCP, TLS payloads take the copying path.
    const reads = options.directReads && !endpoint.tls ? new DirectReads() : undefined;
    const socket = endpoint.tls ? connectTls(await tlsConnectOptions(endpoint)) : connectTcp({ host: endpoint.host, port: endpoint.port, ...(reads ? { onread: reads.onread } : {}) });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        const seconds = Math.round(timeoutMs / 1000);
        // A plain server takes a TLS ClientHello for the start of a command and waits for the rest.
        const what = endpoint.tls ? `no TLS handshake within ${seconds} s (if this port serves plain TCP, use a redis:// url or the server's tls-port)` : `no answer within ${seconds} s`;
        reject(endpointError(endpoint, `cannot connect: ${what}`));
      }, timeoutMs);
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(endpointError(endpoint, `cannot connect: ${describeSocketError(error, endpoint)}`, error));
      };
      socket.once('error', onError);
      socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve();
      });
    });
    socket.setNoDelay(true);
    const connection = new RespSocket(socket, endpoint, reads);
    connection.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    socket.on('timeout', () => {
      if (connection.waiter) connection.destroy(endpointError(endpoint, `the server sent nothing for ${Math.round(connection.idleTimeoutMs / 1000)} s`));
    });
    options.signal?.addEventListener('abort', () => connection.destroy(new Error('aborted')), { once: true });
    return connection;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.heard = true;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.pending.length - this.offset + this.queued >= this.need) this.wake();
  };

  /** Join the queued chunks onto the unparsed rest of `pending`. */
  private collect(): void {
    if (this.queue.length === 0) return;
    const rest = this.pending.length > this.offset ? [this.pending.subarray(this.offset)] : [];
    this.pending = rest.length === 0 && this.queue.length === 1 ? this.queue[0]! : Buffer.concat([...rest, ...this.queue]);
    this.offset = 0;
    this.queue = [];
    this.queued = 0;
  }

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
    // The idle timer runs only while we wait: a consumer that stops reading for a while is fine.
    if (this.idleTimeoutMs > 0) this.socket.setTimeout(this.idleTimeoutMs);
    try {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    } finally {
      if (this.idleTimeoutMs > 0) this.socket.setTimeout(0);
    }
  }

  /** Send one command and read its reply; error replies are returned as RespError. */
  async command(args: readonly RespArg[]): Promise<RespReply> {
    this.write(encodeCommand(args));
    return (await this.readReplies(1))[0]!;
  }

  /** Write raw (already encoded) commands. */
  write(data: Buffer): void {
    if (this.closed || this.failure) throw this.failure ?? endpointError(this.endpoint, 'the connection is closed');
    this.socket.write(data);
  }

  /** Read the next `count` replies (error replies as RespError values). */
  async readReplies(count: number): Promise<RespReply[]> {
    const replies: RespReply[] = [];
    for (;;) {
      while (replies.length < count) {
        const parsed = parseReply(this.pending, this.offset);
        if (!parsed) {
          this.need = replyNeed;
          break;
        }
        replies.push(parsed.value);
        this.offset = parsed.next;
      }
      if (replies.length === count) {
        this.need = 0;
        return replies;
      }
      if (this.pending.length - this.offset + this.queued >= this.need && this.queue.length > 0) {
        this.collect();
        continue;
      }
      await this.waitForData();
      this.collect();
    }
  }

  /** Read one line (without CRLF), skipping the bare newlines a master sends as keepalives before a payload. */
  async readPayloadHeader(): Promise<string> {
    for (;;) {
      this.collect();
      while (this.offset < this.pending.length && this.pending[this.offset] === 0x0a) this.offset += 1;
      const end = this.pending.indexOf('\r\n', this.offset, 'latin1');
      if (end >= 0) {
        const line = this.pending.toString('latin1', this.offset, end);
        this.offset = end + 2;
        return line;
      }
      this.need = this.pending.length - this.offset + 1;
      await this.waitForData();
    }
  }

  /** Stop parsing replies: every byte received from here on (bytes already received first) goes to `target`. */
  handOver(target: PayloadTarget): void {
    this.socket.off('data', this.onData);
    this.collect();
    const rest = this.pending.subarray(this.offset);
    this.pending = Buffer.alloc(0);
    this.offset = 0;
    if (this.reads) this.reads.target = target;
    else this.socket.on('data', (chunk: Buffer) => target.write(chunk));
    if (rest.length > 0) target.write(rest);
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
  if (reply instanceof RespError) throw endpointError(endpoint, `authentication failed: ${explainReplyError(reply.message)}`);
}

/** Plain words for the error replies users meet first. */
export function explainReplyError(message: string): string {
  if (/^NOAUTH/.test(message)) return 'the server requires a password, and the URL has none';
  if (/^WRONGPASS|invalid password/i.test(message)) return 'wrong user name or password';
  if (/^NOPERM/.test(message)) return `the user lacks a permission (${message})`;
  return message;
}

export function describeSocketError(error: Error, endpoint?: RedisEndpoint, beforeReply = true): string {
  const tls = endpoint ? describeTlsError(error, endpoint, beforeReply) : undefined;
  if (tls) return tls;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running and listening on this port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ETIMEDOUT') return 'the connection timed out';
  return error.message;
}
