// A download that survives dropped connections: the SDK retries a GET only until its headers arrive, so a
// connection lost mid-body would fail a whole restore. Here a lost body is resumed with a ranged GET from
// the last byte received, pinned to the same object version by its ETag (If-Match), with backoff.
// Chunks are forwarded as they arrive (no per-chunk promise), with backpressure through pause/resume.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './s3-errors.js';

export interface OpenedBody {
  body: Readable;
  /** Total object size. */
  size: number;
  etag?: string;
}

export interface ResumableOptions {
  maxAttempts: number;
  baseDelayMs: number;
  /** Turns the final error into one that names the bucket, key and operation. */
  describe: (error: unknown, offset: number, attempts: number) => Error;
}

export function backoffDelay(attempt: number, baseMs: number, maxMs = 20_000): number {
  // Full jitter: spread retries of parallel parts so they do not hammer the server in step.
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/** Open from `offset` (0 first, then where the last body stopped) against the given ETag. */
export type OpenFrom = (offset: number, etag: string | undefined) => Promise<OpenedBody>;

class ResumableBody extends Readable {
  private current: Readable | undefined;
  private offset = 0;
  private failures = 0;
  private readonly size: number;
  private readonly etag: string | undefined;

  constructor(
    first: OpenedBody,
    private readonly open: OpenFrom,
    private readonly options: ResumableOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.size = first.size;
    this.etag = first.etag;
    this.attach(first.body);
  }

  private attach(body: Readable): void {
    this.current = body;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      void this.reconnect(body, error);
    };
    body.on('data', (chunk: Buffer) => {
      this.offset += chunk.length;
      this.failures = 0;
      if (!this.push(chunk)) body.pause();
    });
    body.once('end', () => {
      if (this.offset >= this.size) {
        settled = true;
        this.current = undefined;
        this.push(null);
      } else fail(Object.assign(new Error(`the connection ended after ${this.offset} of ${this.size} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
    body.once('error', fail);
    body.once('close', () => {
      if (!settled && this.offset < this.size) fail(Object.assign(new Error('the connection closed early'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  }

  private async reconnect(body: Readable | undefined, error: unknown): Promise<void> {
    if (body) {
      body.removeAllListeners('data');
      body.on('error', () => undefined); // a late socket error on a body we gave up on is not news
      body.destroy();
    }
    this.current = undefined;
    if (this.destroyed) return;
    this.failures++;
    if (!isRetryable(error) || this.failures >= this.options.maxAttempts) {
      this.destroy(this.options.describe(error, this.offset, this.failures));
      return;
    }
    await sleep(backoffDelay(this.failures, this.options.baseDelayMs));
    if (this.destroyed) return;
    let next: OpenedBody;
    try {
      next = await this.open(this.offset, this.etag);
    } catch (openError) {
      return this.reconnect(undefined, openError);
    }
    if (this.destroyed) next.body.destroy();
    else this.attach(next.body);
  }

  override _read(): void {
    this.current?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.current?.destroy();
    this.current = undefined;
    callback(error);
  }
}

export async function openResumable(open: OpenFrom, options: ResumableOptions): Promise<Readable> {
  const first = await open(0, undefined);
  return new ResumableBody(first, open, options);
}
