// logical mode end to end: SCAN + DUMP as a RESP stream → restore with RESTORE … REPLACE (TTLs kept,
// expired keys not resurrected), the manual fallback with redis-cli --pipe, key patterns both ways,
// and database remapping through the target URL.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { redisEngine } from '../../../../src/engines/redis/redis-engine.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import {
  diffSnapshots,
  identity,
  REDIS_BINARIES,
  redisFixture,
  seedRedis,
  snapshotRedis,
  startTestRedis,
  type RedisFixtureOptions,
  type TestRedis,
} from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

describeWithBinaries([...REDIS_BINARIES, 'age', 'age-keygen', 'zstd', 'bash'], 'redis logical backup and restore', () => {
  let source: TestRedis;
  const started: TestRedis[] = [];
  let expected: Awaited<ReturnType<typeof snapshotRedis>>;

  beforeAll(async () => {
    source = await startTestRedis();
    const client = await source.client();
    await seedRedis(client, { count: 100 });
    await client.select(3);
    await seedRedis(client, { prefix: 'three:', count: 10 });
    await client.select(0);
    expected = await snapshotRedis(client, [0, 3]);
  });

  afterAll(async () => {
    await Promise.all([source, ...started].map((s) => s?.stop()));
  });

  async function fresh(): Promise<TestRedis> {
    const server = await startTestRedis();
    started.push(server);
    return server;
  }

  async function backup(work: string, options: Partial<RedisFixtureOptions> = {}) {
    const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: source.url, mode: 'logical', ...options });
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries.find((e) => e.dir === dir)!;
    return { fixture, manifest, dir, storage, entry };
  }

  function only(snapshot: Map<string, unknown>, keep: (key: string) => boolean) {
    return new Map([...snapshot].filter(([key]) => keep(key))) as typeof expected;
  }

  it('restores every database with TTLs into a fresh server; the restore test compares keys and sampled values', async () => {
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: source.url, mode: 'logical', recipients: [key.recipient] });
    const { manifest } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries[0]!;
    expect(manifest.codecs.format).toBe('resp');
    expect(manifest.artifact).toBe('data.resp.zst.age');
    expect(manifest.stats).toMatchObject({ keys: expected.size, expires: 40 });
    expect(typeof manifest.stats.sample_digest).toBe('number');
    // The sample is defined by the data, not the format: an RDB snapshot of the same data agrees.
    const snapshot = await runBackup({ ...redisFixture({ storageRoot: join(work, 'rdb'), url: source.url }), resolveSecret: identity });
    expect(snapshot.manifest.stats.sample_digest).toBe(manifest.stats.sample_digest);

    const target = await fresh();
    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: target.url, identityFile: key.identityFile, resolveSecret: identity });
    expect(restored.stats).toMatchObject({ keys: expected.size, expires: 40, expired: 0, sample_digest: manifest.stats.sample_digest });
    expect(diffSnapshots(expected, await snapshotRedis(await target.client(), [0, 3]))).toEqual([]);

    const record = await restoreTest({ entry, storage, policy: fixture.policy, identityFile: key.identityFile, resolveSecret: identity, scratchRoot: work });
    expect(record.details).toEqual([]);
    expect(record.ok).toBe(true);
  });

  it('opens with standard CLIs only: age -d | zstd -d | redis-cli --pipe', async () => {
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const { fixture, manifest, dir } = await backup(work, { recipients: [key.recipient] });
    const target = await fresh();
    const artifact = join(fixture.root, dir, manifest.artifact);
    const piped = await runCommand('bash', ['-o', 'pipefail', '-c', 'age -d -i "$1" "$2" | zstd -d | redis-cli -p "$3" --pipe', 'manual', key.identityFile, artifact, String(target.port)], {
      env: { REDISCLI_AUTH: target.password },
    });
    expect(piped.stdout).toMatch(/errors: 0, replies: \d+/);
    expect(diffSnapshots(expected, await snapshotRedis(await target.client(), [0, 3]))).toEqual([]);
  });

  it('applies include/exclude key patterns from the source and the category on backup, and --only on restore', async () => {
    const work = await makeTempDir();
    const { fixture, manifest, storage, entry } = await backup(work, { include: ['str:*', 'hash:*', 'three:*'], exclude: ['str:1*'], dataExclude: ['hash:2*'] });
    const selected = (k: string): boolean => {
      const name = k.slice(k.indexOf(':') + 1);
      return (name.startsWith('str:') && !name.startsWith('str:1')) || (name.startsWith('hash:') && !name.startsWith('hash:2')) || name.startsWith('three:');
    };
    const wanted = only(expected, selected);
    expect(manifest.stats.keys).toBe(wanted.size);

    const all = await fresh();
    await restoreBackup({ entry, storage, policy: fixture.policy, target: all.url, resolveSecret: identity });
    expect(diffSnapshots(wanted, await snapshotRedis(await all.client(), [0, 3]))).toEqual([]);

    const partial = await fresh();
    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: partial.url, only: ['hash:?', 'three:str:*'], resolveSecret: identity });
    const subset = only(wanted, (k) => /^0:hash:\d$/.test(k) || k.startsWith('3:three:str:'));
    expect(restored.stats.keys).toBe(subset.size);
    expect(diffSnapshots(subset, await snapshotRedis(await partial.client(), [0, 3]))).toEqual([]);
  });

  it('a single-database backup restores into the database the target URL names', async () => {
    const work = await makeTempDir();
    const { fixture, manifest, storage, entry } = await backup(work, { db: 3 });
    expect(manifest.stats.keys).toBe(only(expected, (k) => k.startsWith('3:')).size);
    const target = await fresh();
    await restoreBackup({ entry, storage, policy: fixture.policy, target: `${target.url}/7`, resolveSecret: identity });
    const moved = new Map([...only(expected, (k) => k.startsWith('3:'))].map(([k, v]) => [`7:${k.slice(2)}`, v]));
    expect(diffSnapshots(moved, await snapshotRedis(await target.client(), [0, 3, 7]))).toEqual([]);
  });

  it('keys whose TTL ran out after the backup are not resurrected, and the restore test accounts for them', async () => {
    const server = await fresh();
    const client = await server.client();
    await client.set('keep', 'forever');
    await client.set('brief', 'soon gone', 'PX', 700);
    await client.set('later', 'still here', 'EX', 3600);
    const work = await makeTempDir();
    const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: server.url, mode: 'logical' });
    const { manifest } = await runBackup({ ...fixture, resolveSecret: identity });
    expect(manifest.stats).toMatchObject({ keys: 3, expires: 2 });
    await new Promise((r) => setTimeout(r, 900));
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries[0]!;
    const target = await fresh();
    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: target.url, resolveSecret: identity });
    expect(restored.stats).toMatchObject({ keys: 2, expires: 1, expired: 1 });
    const restoredClient = await target.client();
    expect(await restoredClient.get('brief')).toBeNull();
    expect(await restoredClient.pttl('later')).toBeGreaterThan(3_500_000);
    expect(redisEngine.compareStats(manifest.stats, restored.stats)).toEqual([]);
  });
});
