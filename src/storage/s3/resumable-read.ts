// A download that survives dropped connections: the SDK retries a GET only until its headers arrive, so a
// connection lost mid-body would fail a whole restore. Here a lost body is resumed with a ranged GET from
// the last byte received, pinned to the same object version by its ETag (If-Match), with backoff.
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

export async function openResumable(open: OpenFrom, options: ResumableOptions): Promise<Readable> {
  const first = await open(0, undefined);
  const { size, etag } = first;

  async function* generate(): AsyncGenerator<Buffer> {
    let current: Readable | undefined = first.body;
    let offset = 0;
    let failures = 0;
    for (;;) {
      try {
        if (!current) current = (await open(offset, etag)).body;
        for await (const chunk of current) {
          const buffer = chunk as Buffer;
          offset += buffer.length;
          failures = 0;
          yield buffer;
        }
        current = undefined;
        if (offset >= size) return;
        throw Object.assign(new Error(`the connection ended after ${offset} of ${size} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      } catch (error) {
        current?.destroy();
        current = undefined;
        failures++;
        if (!isRetryable(error) || failures >= options.maxAttempts) throw options.describe(error, offset, failures);
        await sleep(backoffDelay(failures, options.baseDelayMs));
      }
    }
  }

  return Readable.from(generate(), { objectMode: false, highWaterMark: 1 << 20 });
}
