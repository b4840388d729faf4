// Restore-test comparison: keys without TTL exactly, keys with a TTL restored or expired, sample digest.
import { describe, expect, it } from 'vitest';
import { compareRedisStats } from '../../../../src/engines/redis/redis-stats.js';

describe('compareRedisStats', () => {
  const manifest = { keys: 100, expires: 10, bytes: 5000, sample_digest: 123456789 };

  it('accepts an identical restore and one where keys with a TTL expired meanwhile', () => {
    expect(compareRedisStats(manifest, { keys: 100, expires: 10, expired: 0, bytes: 5000, sample_digest: 123456789 })).toEqual([]);
    expect(compareRedisStats(manifest, { keys: 97, expires: 7, expired: 3, bytes: 4000, sample_digest: 123456789 })).toEqual([]);
  });

  it('reports missing keys, unexplained TTL keys and different sampled values', () => {
    expect(compareRedisStats(manifest, { keys: 99, expires: 10, expired: 0, sample_digest: 123456789 })).toEqual(['keys without a TTL: expected 90, restored 89']);
    expect(compareRedisStats(manifest, { keys: 98, expires: 8, expired: 1, sample_digest: 123456789 })).toEqual(['keys with a TTL: expected 10, restored 8 (+1 expired since the backup)']);
    expect(compareRedisStats(manifest, { keys: 100, expires: 10, sample_digest: 1 })).toEqual([
      "sample_digest: the sampled values differ from the backup's (expected 123456789, restored 1)",
    ]);
    expect(compareRedisStats(manifest, { keys: 100, expires: 10 })).toEqual(['sample_digest: the restored values could not be sampled']);
    expect(compareRedisStats(manifest, { bytes: 5000 })).toEqual(['keys: the restore could not count them', 'sample_digest: the restored values could not be sampled']);
  });

  it('ignores informational stats (bytes, vanished)', () => {
    expect(compareRedisStats({ ...manifest, vanished: 2 }, { keys: 100, expires: 10, bytes: 1, sample_digest: 123456789 })).toEqual([]);
  });
});
