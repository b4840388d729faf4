import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHashCounter, createVerifier } from '../../../src/pipeline/hash-counter.js';

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

describe('createHashCounter', () => {
  it('passes data through and reports sha256 and size, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), async (chunks) => {
        const counter = createHashCounter();
        const seen: Buffer[] = [];
        await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), counter, new Writable({ write: (c, _e, cb) => (seen.push(c), cb()) }));
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        expect(Buffer.concat(seen).equals(all)).toBe(true);
        expect(counter.digest()).toEqual({ sha256: createHash('sha256').update(all).digest('hex'), bytes: all.length });
      }),
      { numRuns: 50 },
    );
  });

  it('reports running totals and can be read more than once', async () => {
    const seen: number[] = [];
    const counter = createHashCounter({ onBytes: (n) => seen.push(n) });
    await pipeline(Readable.from([Buffer.from('ab'), Buffer.from('cde')]), counter, sink());
    expect(seen).toEqual([2, 5]);
    expect(counter.digest()).toEqual(counter.digest());
  });
});

describe('createVerifier', () => {
  const data = Buffer.from('the artifact');
  const expected = { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };

  it('passes matching content', async () => {
    await expect(pipeline(Readable.from([data]), createVerifier(expected, 'x'), sink())).resolves.toBeUndefined();
  });

  it('fails on a different hash, a short read or a long read', async () => {
    const flipped = Buffer.from(data);
    flipped[0] = flipped[0]! ^ 1;
    await expect(pipeline(Readable.from([flipped]), createVerifier(expected, 'obj'), sink())).rejects.toThrow(/obj: sha256 mismatch/);
    await expect(pipeline(Readable.from([data.subarray(1)]), createVerifier(expected, 'obj'), sink())).rejects.toThrow(
      /obj: size mismatch: expected 12 bytes, read 11/,
    );
    await expect(pipeline(Readable.from([data, Buffer.from('!')]), createVerifier(expected, 'obj'), sink())).rejects.toThrow(/size mismatch/);
  });
});
