// Small streaming helpers for the PostgreSQL engine: awaited writes with backpressure, a "peek" feed
// that copies the head of a stream into a process that stops reading early (pg_restore -l), and an
// exact-length reader for the multi-database tar.
import type { Readable, Writable } from 'node:stream';

/** Write one chunk, waiting for 'drain' when the buffer is full; rejects if the writable fails or closes. */
export function writeChunk(writable: Writable, chunk: Buffer): Promise<void> {
  if (writable.destroyed || writable.writableEnded) return Promise.reject(closedError(writable));
  if (writable.write(chunk)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      writable.off('drain', onDrain);
      writable.off('error', onError);
      writable.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(closedError(writable));
    };
    writable.on('drain', onDrain);
    writable.on('error', onError);
    writable.on('close', onClose);
  });
}

function closedError(writable: Writable): Error {
  return writable.errored ?? new Error('the stream was closed before all data was written');
}

/** Pause for the peek consumer only when it holds this much unread data. */
const PEEK_BUFFER = 4 << 20;

/**
 * Feeds a copy of a stream into a consumer that reads only a prefix and may exit at any time (EPIPE is
 * expected, not an error). Its own exit status is checked by whoever spawned it.
 */
export class PeekFeed {
  private open = true;

  constructor(private readonly target: Writable) {
    target.on('error', () => this.stop());
    target.on('close', () => this.stop());
  }

  get active(): boolean {
    return this.open && !this.target.destroyed;
  }

  async feed(chunk: Buffer): Promise<void> {
    if (!this.active) return;
    this.target.write(chunk);
    if (this.target.writableLength < PEEK_BUFFER) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.target.off('drain', done);
        this.target.off('close', done);
        resolve();
      };
      this.target.on('drain', done);
      this.target.on('close', done);
    });
  }

  end(): void {
    if (this.active) this.target.end();
    this.stop();
  }

  private stop(): void {
    this.open = false;
  }
}

/** Reads exact byte counts from a stream of chunks (for tar headers and entry bodies). */
export class ChunkReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly iterator: AsyncIterator<Buffer>;
  private finished = false;

  constructor(source: Readable | AsyncIterable<Buffer>) {
    this.iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Buffer at least `bytes` (fewer at end of stream) and return a copy of them without consuming. */
  async peek(bytes: number): Promise<Buffer> {
    await this.fill(bytes);
    const all = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [all];
    return all.subarray(0, Math.min(bytes, all.length));
  }

  /** Exactly `bytes`, or undefined at a clean end of stream before any of them; throws on a truncated stream. */
  async readExact(bytes: number): Promise<Buffer | undefined> {
    await this.fill(bytes);
    if (this.pendingBytes === 0 && bytes > 0) return undefined;
    if (this.pendingBytes < bytes) throw new Error(`the archive ends unexpectedly (wanted ${bytes} more bytes, got ${this.pendingBytes})`);
    const all = Buffer.concat(this.pending, this.pendingBytes);
    this.take(all, bytes);
    return all.subarray(0, bytes);
  }

  /** Yield exactly `bytes` bytes, chunk by chunk, without gathering them in memory. */
  async *stream(bytes: number): AsyncGenerator<Buffer> {
    let left = bytes;
    while (left > 0) {
      if (this.pendingBytes === 0) await this.fill(1);
      if (this.pendingBytes === 0) throw new Error(`the archive ends unexpectedly (${left} bytes of an entry missing)`);
      const head = this.pending.shift()!;
      this.pendingBytes -= head.length;
      if (head.length > left) {
        this.pending.unshift(head.subarray(left));
        this.pendingBytes += head.length - left;
        yield head.subarray(0, left);
        return;
      }
      left -= head.length;
      yield head;
    }
  }

  /** Yield everything that is left. */
  async *rest(): AsyncGenerator<Buffer> {
    while (this.pending.length > 0) {
      const head = this.pending.shift()!;
      this.pendingBytes -= head.length;
      yield head;
    }
    while (!this.finished) {
      const step = await this.iterator.next();
      if (step.done) {
        this.finished = true;
        return;
      }
      yield step.value;
    }
  }

  private take(all: Buffer, bytes: number): void {
    const remainder = all.subarray(bytes);
    this.pending = remainder.length > 0 ? [remainder] : [];
    this.pendingBytes = remainder.length;
  }

  private async fill(bytes: number): Promise<void> {
    while (this.pendingBytes < bytes && !this.finished) {
      const step = await this.iterator.next();
      if (step.done) {
        this.finished = true;
        return;
      }
      const chunk = Buffer.isBuffer(step.value) ? step.value : Buffer.from(step.value);
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
  }
}
