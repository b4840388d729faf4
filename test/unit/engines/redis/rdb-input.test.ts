// RdbInput: a read that straddles chunks joins just the bytes it needs (the rest of the next chunk
// stays a view, not a copy), and the bytes come out in order whatever the chunking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RdbInput } from '../../../../src/engines/redis/rdb-input.js';

/** Drive one generator step function to completion; the input must already hold enough bytes. */
function run<T>(generator: Generator<void, T, void>): T {
  const step = generator.next();
  if (!step.done) throw new Error('the input wanted more bytes');
  return step.value;
}

describe('RdbInput', () => {
  it('joins only the n bytes of a read across chunks, then continues in the next chunk without copying it', () => {
    const input = new RdbInput();
    const first = Buffer.from('abcdef');
    const second = Buffer.alloc(1000, 'x');
    second.write('ghij', 0);
    input.push(first);
    input.push(second);
    run(input.skip(4));
    expect(run(input.bytes(6)).toString()).toBe('efghij');
    expect(input.buf.length).toBe(6);
    // The next read moves on to the remainder of the second chunk, the same memory.
    expect(run(input.u8())).toBe('x'.charCodeAt(0));
    expect(input.buf.buffer).toBe(second.buffer);
    expect(input.available).toBe(995);
  });

  it('returns the stream in order however it is chunked and read', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 30 }),
        (bytes, chunkSizes, readSizes) => {
          const data = Buffer.from(bytes);
          const input = new RdbInput();
          for (let at = 0, i = 0; at < data.length; i += 1) {
            const size = chunkSizes[i % chunkSizes.length]!;
            input.push(data.subarray(at, at + size));
            at += size;
          }
          input.ended = true;
          let at = 0;
          for (let i = 0; input.available > 0; i += 1) {
            const n = Math.min(readSizes[i % readSizes.length]!, input.available);
            if (i % 3 === 2) run(input.skip(n));
            else expect(Buffer.from(run(input.bytes(n))).equals(data.subarray(at, at + n))).toBe(true);
            at += n;
          }
          expect(at).toBe(data.length);
        },
      ),
    );
  });
});
