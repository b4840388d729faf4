// The SYNC payload chunker: the same bytes out (mark stripped, nothing past a length) however the
// socket splits them, whether reads land in space() (plain TCP, net's onread) or are copied in (TLS),
// in chunks of bounded size that are never written to after they were emitted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PayloadChunker, type PayloadEnd } from '../../../../src/engines/redis/payload-chunker.js';

const CHUNK = 1024;
const MIN_READ = 256;
const mark = Buffer.from('0123456789abcdef0123456789abcdef01234567');

function payloadOf(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  let x = seed || 1;
  for (let i = 0; i < size; i += 1) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return data;
}

interface Run {
  chunks: Buffer[];
  /** Copies taken when each chunk was emitted: a chunk changed later would differ from its copy. */
  copies: Buffer[];
  ended: number;
  chunker: PayloadChunker;
}

function collector(end: PayloadEnd): Run {
  const run: Run = { chunks: [], copies: [], ended: 0, chunker: undefined as unknown as PayloadChunker };
  run.chunker = new PayloadChunker(
    end,
    {
      chunk: (data) => {
        run.chunks.push(data);
        run.copies.push(Buffer.from(data));
      },
      end: () => (run.ended += 1),
    },
    CHUNK,
    MIN_READ,
  );
  return run;
}

/** A socket reading `wire` in reads of the given sizes straight into space(), as net's onread does. */
function readDirect(run: Run, wire: Buffer, sizes: number[], length = Infinity): void {
  let at = 0;
  for (let i = 0; at < wire.length && !run.chunker.done; i += 1) {
    const space = run.chunker.space();
    expect(space.length).toBeGreaterThan(0);
    expect(space.length).toBeLessThanOrEqual(length - at);
    const n = Math.min(space.length, Math.max(1, sizes[i % sizes.length]!), wire.length - at);
    wire.copy(space, 0, at, at + n);
    at += n;
    run.chunker.received(n);
  }
}

/** A socket delivering `wire` as separate buffers (TLS 'data' events), copied in. */
function writeCopies(run: Run, wire: Buffer, sizes: number[]): void {
  let at = 0;
  for (let i = 0; at < wire.length && !run.chunker.done; i += 1) {
    const n = Math.min(Math.max(1, sizes[i % sizes.length]!), wire.length - at);
    run.chunker.write(wire.subarray(at, at + n));
    at += n;
  }
}

function expectOutput(run: Run, payload: Buffer): void {
  expect(run.ended).toBe(1);
  expect(run.chunker.done).toBe(true);
  expect(Buffer.concat(run.chunks).equals(payload)).toBe(true);
  expect(run.chunker.bytes).toBe(payload.length);
  run.chunks.forEach((chunk, i) => {
    expect(chunk.length).toBeLessThanOrEqual(CHUNK);
    expect(chunk.equals(run.copies[i]!)).toBe(true);
    if (i < run.chunks.length - 1) expect(chunk.length).toBeGreaterThanOrEqual(CHUNK - MIN_READ - mark.length);
  });
}

const sizes = fc.array(fc.integer({ min: 1, max: 3 * CHUNK }), { minLength: 1, maxLength: 20 });

describe('PayloadChunker', () => {
  it('passes a diskless payload through, mark stripped, however the reads split it (direct reads)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 * CHUNK }), fc.integer(), sizes, (size, seed, reads) => {
        const payload = payloadOf(size, seed);
        const run = collector({ kind: 'eof', mark });
        readDirect(run, Buffer.concat([payload, mark]), reads);
        expectOutput(run, payload);
      }),
    );
  });

  it('passes a diskless payload through when the reads are copied in (TLS), the mark split across them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 * CHUNK }), fc.integer(), sizes, (size, seed, reads) => {
        const payload = payloadOf(size, seed);
        const run = collector({ kind: 'eof', mark });
        writeCopies(run, Buffer.concat([payload, mark]), reads);
        expectOutput(run, payload);
      }),
    );
    const run = collector({ kind: 'eof', mark });
    const payload = payloadOf(3 * CHUNK, 7);
    const wire = Buffer.concat([payload, mark]);
    for (let i = 0; i < wire.length; i += 1) run.chunker.write(wire.subarray(i, i + 1));
    expectOutput(run, payload);
  });

  it('stops at the announced length: space() never reaches past it, copied bytes past it are dropped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 * CHUNK }), fc.integer(), sizes, fc.boolean(), (size, seed, reads, direct) => {
        const payload = payloadOf(size, seed);
        const run = collector({ kind: 'length', length: size });
        const wire = Buffer.concat([payload, Buffer.from('+PING\r\n')]);
        if (direct) readDirect(run, wire, reads, size);
        else writeCopies(run, wire, reads);
        expectOutput(run, payload);
      }),
    );
  });

  it('takes bytes read before the hand-over (copied), then direct reads', () => {
    const payload = payloadOf(4 * CHUNK + 17, 3);
    const wire = Buffer.concat([payload, mark]);
    const run = collector({ kind: 'eof', mark });
    run.chunker.write(wire.subarray(0, 100));
    readDirect(run, wire.subarray(100), [700, 5, 300]);
    expectOutput(run, payload);
  });

  it('counts the bytes received before the end, including those not emitted yet', () => {
    const run = collector({ kind: 'length', length: 10 * CHUNK });
    readDirect(run, payloadOf(CHUNK + 100, 4), [CHUNK + 100]);
    expect(run.chunker.done).toBe(false);
    expect(run.chunker.receivedBytes).toBe(CHUNK + 100);
    expect(run.chunker.bytes).toBeLessThan(CHUNK + 100);
  });

  it('looks for the mark only where a read ends', () => {
    const payload = Buffer.concat([payloadOf(300, 5), mark, payloadOf(300, 6)]);
    const run = collector({ kind: 'eof', mark });
    readDirect(run, Buffer.concat([payload, mark]), [payload.length + mark.length]);
    expectOutput(run, payload);
  });

  it('is complete at once for an empty length-delimited payload, without calling the sink', () => {
    const run = collector({ kind: 'length', length: 0 });
    expect(run.chunker.done).toBe(true);
    expect(run.ended).toBe(0);
    expect(run.chunks).toEqual([]);
  });

  it('lends a spare buffer once done, never one holding emitted bytes', () => {
    const run = collector({ kind: 'eof', mark });
    readDirect(run, Buffer.concat([payloadOf(500, 9), mark]), [540]);
    expect(run.chunker.done).toBe(true);
    const spare = run.chunker.space();
    spare.fill(0xee);
    expect(run.chunks[0]!.equals(run.copies[0]!)).toBe(true);
  });
});
