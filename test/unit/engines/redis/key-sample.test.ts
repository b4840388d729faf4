// The sample is the K smallest (hash, db, key), whatever the order keys arrive in, so a backup and its
// restore pick the same keys; the digest changes with any sampled value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestSample, hashKey, KeySampler, type ValueSummary } from '../../../../src/engines/redis/key-sample.js';

function sampleOf(keys: { db: number; key: string; summary: ValueSummary }[], size = 8) {
  const sampler = new KeySampler(size);
  for (const { db, key, summary } of keys) {
    const bytes = Buffer.from(key);
    if (sampler.wants(db, bytes)) sampler.add(db, bytes, summary);
  }
  return sampler;
}

describe('KeySampler', () => {
  const keys = Array.from({ length: 300 }, (_, i) => ({ db: i % 3, key: `key:${i}`, summary: { type: 'list' as const, count: i } }));

  it('picks the same keys and digest in any order', () => {
    const reference = digestSample(sampleOf(keys).sample);
    fc.assert(
      fc.property(fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }), (shuffled) => {
        expect(digestSample(sampleOf(shuffled).sample)).toBe(reference);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps the K smallest hashes, sorted', () => {
    const sample = sampleOf(keys).sample;
    expect(sample).toHaveLength(8);
    const hashes = keys.map((k) => hashKey(k.db, Buffer.from(k.key))).sort((a, b) => a - b);
    expect(sample.map((e) => e.hash)).toEqual(hashes.slice(0, 8));
  });

  it('wantsRange agrees with wants on a slice of a larger buffer', () => {
    const sampler = sampleOf(keys);
    for (const { db, key } of keys) {
      const buf = Buffer.concat([Buffer.from('prefix'), Buffer.from(key), Buffer.from('suffix')]);
      expect(sampler.wantsRange(db, buf, 6, 6 + key.length)).toBe(sampler.wants(db, Buffer.from(key)));
    }
  });

  it('a key added again replaces its summary; remove drops it', () => {
    const sampler = new KeySampler(4);
    sampler.add(0, Buffer.from('a'), { type: 'list', count: 1 });
    sampler.add(0, Buffer.from('a'), { type: 'list', count: 2 });
    expect(sampler.sample).toHaveLength(1);
    expect(sampler.sample[0]!.summary).toEqual({ type: 'list', count: 2 });
    sampler.remove(0, Buffer.from('a'));
    expect(sampler.sample).toHaveLength(0);
  });

  it('the digest depends on every value, key and database, and fits in a JSON-safe integer', () => {
    const base = sampleOf(keys).sample;
    const digest = digestSample(base);
    expect(Number.isSafeInteger(digest)).toBe(true);
    const changed = base.map((e, i) => (i === 3 ? { ...e, summary: { type: 'list' as const, count: 99_999 } } : e));
    expect(digestSample(changed)).not.toBe(digest);
    const moved = base.map((e, i) => (i === 0 ? { ...e, db: e.db + 1 } : e));
    expect(digestSample(moved)).not.toBe(digest);
  });
});
