// The streaming RDB scanner on a real Redis 7.0 RDB holding every type and encoding (see
// fixtures/make-all-types-rdb.sh): counts, sample summaries, and identical results however the stream
// is chunked (down to one byte at a time, which exercises every resume point of the parser).
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestSample, KeySampler } from '../../../../src/engines/redis/key-sample.js';
import { RdbFormatError } from '../../../../src/engines/redis/rdb-compact.js';
import { RdbScanner } from '../../../../src/engines/redis/rdb-scan.js';

const rdb = readFileSync(join(import.meta.dirname, 'fixtures', 'all-types.rdb'));
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function scan(chunks: Buffer[], options: ConstructorParameters<typeof RdbScanner>[0] = {}) {
  const sampler = new KeySampler();
  const scanner = new RdbScanner({ sampler, ...options });
  for (const chunk of chunks) scanner.push(chunk);
  const result = scanner.end();
  return { result, sampler, digest: digestSample(sampler.sample) };
}

function split(data: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = Math.max(1, sizes[i++ % sizes.length]!);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('RdbScanner', () => {
  const whole = scan([rdb]);

  it('counts keys, TTLs and databases of a Redis 7.0 RDB', () => {
    expect(whole.result).toEqual({ version: 10, keys: 20, expires: 2, expired: 0, dbs: [0, 5], complete: true, redisVersion: '7.0.15' });
  });

  it('summarises every type and encoding as the server reports them', () => {
    const summaries = Object.fromEntries(whole.sampler.sample.map((e) => [`${e.db}:${e.key.toString()}`, e.summary]));
    expect(summaries).toEqual({
      '0:str:small': { type: 'string', sha256: sha('hello') },
      '0:str:int': { type: 'string', sha256: sha('12345') },
      '0:str:neg': { type: 'string', sha256: sha('-5') },
      '0:str:lzf': { type: 'string', sha256: sha('a'.repeat(200)) },
      '0:str:mixed': { type: 'string', sha256: sha('the quick brown fox jumps over the lazy dog 0123456789') },
      '0:hash:small': { type: 'hash', count: 3 },
      '0:hash:big': { type: 'hash', count: 600 },
      '0:list:small': { type: 'list', count: 5 },
      '0:list:big': { type: 'list', count: 3000 },
      '0:set:ints': { type: 'set', count: 5 },
      '0:set:strs': { type: 'set', count: 3 },
      '0:set:big': { type: 'set', count: 1000 },
      '0:zset:small': { type: 'zset', count: 3 },
      '0:zset:big': { type: 'zset', count: 300 },
      '0:stream': { type: 'stream', count: 10 },
      '5:db5:a': { type: 'string', sha256: sha('1') },
      '5:db5:b': { type: 'string', sha256: sha('2') },
      '5:db5:list': { type: 'list', count: 3 },
    });
  });

  it('gives the same result one byte at a time and in odd chunk sizes', () => {
    expect(scan(split(rdb, [1])).digest).toBe(whole.digest);
    expect(scan(split(rdb, [1])).result).toEqual(whole.result);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const chunked = scan(split(rdb, sizes));
        expect(chunked.result).toEqual(whole.result);
        expect(chunked.digest).toBe(whole.digest);
      }),
      { numRuns: 60 },
    );
  });

  it('samples only the selected keys, and counts expired keys against a clock', () => {
    const selected = scan([rdb], { select: (_db, key) => key.toString().startsWith('str:') });
    expect(selected.result.keys).toBe(5);
    expect(selected.sampler.sample.map((e) => e.key.toString()).sort()).toEqual(['str:int', 'str:lzf', 'str:mixed', 'str:neg', 'str:small']);
    expect(scan([rdb], { now: 4102444800001 }).result.expired).toBe(2);
    expect(scan([rdb], { now: 4102444800000 }).result.expired).toBe(0);
  });

  it('a truncated RDB is an error, wherever it stops', () => {
    for (const end of [5, 9, 200, rdb.length - 9, rdb.length - 1]) {
      expect(() => scan([rdb.subarray(0, end)])).toThrow(RdbFormatError);
    }
  });

  it('something that is not an RDB is refused at once', () => {
    const scanner = new RdbScanner();
    expect(() => scanner.push(Buffer.from('*2\r\n$6\r\nSELECT\r\n'))).toThrow(/not an RDB file/);
  });

  it('an unknown value type stops the scan without failing (redis-server may still load the file)', () => {
    const scanner = new RdbScanner();
    scanner.push(Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xfe, 0x00, 0x00, 0x01, 0x61, 0x01, 0x62, 0x63, 0x01, 0x6b])]));
    const result = scanner.end();
    expect(result.complete).toBe(false);
    expect(result.keys).toBe(2); // "a", and "k" whose value it could not read
    expect(result.unsupported).toMatch(/value type 99/);
  });

  it('a newer RDB version than it knows is unsupported, not an error', () => {
    const scanner = new RdbScanner();
    scanner.push(Buffer.from('REDIS0099', 'latin1'));
    expect(scanner.end()).toMatchObject({ version: 99, complete: false, unsupported: expect.stringMatching(/version 99/) });
  });
});
