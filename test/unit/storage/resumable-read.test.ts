// Resumed downloads with scripted bodies: cut connections continue from the last byte with the same ETag,
// non-retryable failures and exhausted attempts end with the described error.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openResumable, type OpenedBody } from '../../../src/storage/s3/resumable-read.js';

type Script = (offset: number) => { chunks: string[]; then?: 'end' | Error };

function reset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** A fake GetObject: serves `data` from the offset, cut the way `script` says. */
function server(data: string, script: Script) {
  const calls: [number, string | undefined][] = [];
  const open = async (offset: number, etag: string | undefined): Promise<OpenedBody> => {
    calls.push([offset, etag]);
    const { chunks, then = 'end' } = script(offset);
    const body = new PassThrough();
    setImmediate(() => {
      for (const c of chunks) body.write(c);
      if (then === 'end') body.end();
      else body.destroy(then);
    });
    return { body, size: data.length, etag: '"v1"' };
  };
  return { open, calls };
}

const options = { maxAttempts: 3, baseDelayMs: 1, describe: (e: unknown, offset: number, attempts: number) => new Error(`failed at ${offset} after ${attempts}: ${(e as Error).message}`) };

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += (chunk as Buffer).toString();
  return out;
}

describe('openResumable', () => {
  it('continues a cut body from the last byte, pinned to the first ETag', async () => {
    const { open, calls } = server('abcdefghij', (offset) =>
      offset === 0 ? { chunks: ['abc'], then: reset() } : offset === 3 ? { chunks: ['def'], then: 'end' } : { chunks: ['ghij'] },
    );
    expect(await text(await openResumable(open, options))).toBe('abcdefghij');
    // Offset 3 twice: a body that ends early is a cut too; progress resets the attempt count.
    expect(calls).toEqual([
      [0, undefined],
      [3, '"v1"'],
      [6, '"v1"'],
    ]);
  });

  it('gives up after maxAttempts without progress, naming where', async () => {
    const { open, calls } = server('abcdef', (offset) => (offset === 0 ? { chunks: ['ab'], then: reset() } : { chunks: [], then: reset() }));
    await expect(text(await openResumable(open, options))).rejects.toThrow('failed at 2 after 3: socket hang up');
    expect(calls.map(([o]) => o)).toEqual([0, 2, 2]);
  });

  it('does not retry what retrying cannot fix', async () => {
    const denied = Object.assign(new Error('changed'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const { open, calls } = server('abcdef', (offset) => (offset === 0 ? { chunks: ['ab'], then: reset() } : { chunks: [], then: denied }));
    await expect(text(await openResumable(open, options))).rejects.toThrow('failed at 2 after 2: changed');
    expect(calls).toHaveLength(2);
  });

  it('a failing first open rejects openResumable itself (e.g. no such key)', async () => {
    const missing = Object.assign(new Error('NoSuchKey'), { $metadata: { httpStatusCode: 404 } });
    await expect(openResumable(() => Promise.reject(missing), options)).rejects.toBe(missing);
  });

  it('destroying the reader destroys the body under it', async () => {
    const body = new PassThrough();
    const reader = await openResumable(async () => ({ body, size: 10 }), options);
    body.write('abc');
    reader.destroy();
    await new Promise((r) => setImmediate(r));
    expect(body.destroyed).toBe(true);
  });
});
