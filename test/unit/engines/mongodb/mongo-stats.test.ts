import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { compareMongoStats, MongoStatsBuilder } from '../../../../src/engines/mongodb/mongo-stats.js';
import { SampleDigest, sampleDigestOf } from '../../../../src/engines/mongodb/sample-digest.js';

const docs = Array.from({ length: 150 }, (_, i) => BSON.serialize({ _id: i, v: `value ${i}` }));

describe('sample digest', () => {
  it('is a safe integer determined by the first 100 documents only', () => {
    const digest = sampleDigestOf(docs);
    expect(Number.isSafeInteger(digest)).toBe(true);
    expect(sampleDigestOf(docs)).toBe(digest);
    expect(sampleDigestOf(docs.slice(0, 100))).toBe(digest);
    expect(sampleDigestOf(docs.slice(0, 99))).not.toBe(digest);
  });

  it('changes when one sampled document changes in any byte, or the order changes', () => {
    const altered = [...docs];
    altered[42] = BSON.serialize({ _id: 42, v: 'value 42 ' });
    expect(sampleDigestOf(altered)).not.toBe(sampleDigestOf(docs));
    const swapped = [docs[1]!, docs[0]!, ...docs.slice(2)];
    expect(sampleDigestOf(swapped)).not.toBe(sampleDigestOf(docs));
  });

  it('reports when it has seen enough documents', () => {
    const digest = new SampleDigest(2);
    digest.add(docs[0]!);
    expect(digest.full).toBe(false);
    digest.add(docs[1]!);
    expect(digest.full).toBe(true);
  });
});

describe('MongoStatsBuilder and compareMongoStats', () => {
  const build = (orders: number, sample: number): Record<string, number> => {
    const stats = new MongoStatsBuilder();
    stats.addCollection('shop', 'orders', { docs: orders, bytes: orders * 10, sample, indexes: 2 });
    stats.addCollection('shop', 'carts', { docs: 3, bytes: 30, sample: 5, indexes: 0 });
    stats.addView('shop');
    stats.addCollection('cms', 'articles', { docs: 1, bytes: 10, sample: 6, indexes: 1 });
    return stats.build();
  };

  it('produces totals and per-collection counts and samples', () => {
    expect(build(10, 4)).toEqual({
      databases: 2,
      collections: 3,
      views: 1,
      indexes: 3,
      docs: 14,
      bytes: 140,
      'docs:cms.articles': 1,
      'docs:shop.carts': 3,
      'docs:shop.orders': 10,
      'sample:cms.articles': 6,
      'sample:shop.carts': 5,
      'sample:shop.orders': 4,
    });
  });

  it('finds no difference between equal stats, ignoring informational keys', () => {
    expect(compareMongoStats({ ...build(10, 4), snapshot: 1, snapshot_sessions: 1 }, { ...build(10, 4), bytes: 0 })).toEqual([]);
  });

  it('names count, sample and namespace differences', () => {
    expect(compareMongoStats(build(10, 4), build(9, 4))).toEqual(['docs: expected 14, restored 13', 'docs:shop.orders: expected 10, restored 9']);
    expect(compareMongoStats(build(10, 4), build(10, 8))).toEqual(['shop.orders: the sampled documents differ from the backup\'s (digest 4, restored 8)']);
    const missing = build(10, 4);
    delete missing['docs:cms.articles'];
    delete missing['sample:cms.articles'];
    expect(compareMongoStats(build(10, 4), missing)).toEqual(['docs:cms.articles: expected 1, restored 0', 'cms.articles: in the backup, but not restored']);
  });
});
