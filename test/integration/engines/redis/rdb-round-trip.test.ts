// rdb mode end to end: runBackup (zstd + age) → restore into a fresh server → same data; the restore
// test (scratch server, keys and sampled values); the manual fallback with standard CLIs only; and a
// restore into a directory for the guided procedure.
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { generateAgeKey, type AgeKey } from '../../../helpers/age-key.js';
import { diffSnapshots, identity, REDIS_BINARIES, redisFixture, seedRedis, snapshotRedis, startTestRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

describeWithBinaries([...REDIS_BINARIES, 'age', 'age-keygen', 'zstd', 'bash'], 'redis rdb backup and restore', () => {
  let source: TestRedis;
  const started: TestRedis[] = [];
  let expected: Awaited<ReturnType<typeof snapshotRedis>>;

  beforeAll(async () => {
    source = await startTestRedis();
    const client = await source.client();
    await seedRedis(client);
    await client.select(3);
    await seedRedis(client, { prefix: 'three:', count: 20 });
    await client.select(0);
    expected = await snapshotRedis(client, [0, 3]);
  });

  afterAll(async () => {
    await Promise.all([source, ...started].map((s) => s?.stop()));
  });

  async function fresh(options: Parameters<typeof startTestRedis>[0] = {}): Promise<TestRedis> {
    const server = await startTestRedis(options);
    started.push(server);
    return server;
  }

  async function backup(key: AgeKey, work: string) {
    const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: source.url, recipients: [key.recipient] });
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const scan = await scanTier(storage, 'hot', 'test-system/');
    return { fixture, manifest, dir, storage, entry: scan.entries[0]! };
  }

  it('backs up a snapshot of every database and restores it into a fresh server', async () => {
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const { fixture, manifest, storage, entry } = await backup(key, work);
    expect(manifest.codecs).toEqual({ format: 'rdb', compression: 'zstd', compressionLevel: 3, encryption: 'age' });
    expect(manifest.artifact).toBe('data.rdb.zst.age');
    expect(manifest.stats.keys).toBe(expected.size);
    expect(manifest.stats.expires).toBe(40);
    expect(manifest.stats.bytes).toBe(manifest.raw_size);
    expect(typeof manifest.stats.sample_digest).toBe('number');

    const target = await fresh();
    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: target.url, identityFile: key.identityFile, resolveSecret: identity });
    expect(restored.stats.keys).toBe(expected.size);
    expect(restored.stats.sample_digest).toBe(manifest.stats.sample_digest);
    const actual = await snapshotRedis(await target.client(), [0, 3]);
    expect(diffSnapshots(expected, actual)).toEqual([]);

    const record = await restoreTest({ entry, storage, policy: fixture.policy, identityFile: key.identityFile, resolveSecret: identity, scratchRoot: work });
    expect(record.details).toEqual([]);
    expect(record.ok).toBe(true);
  });

  it('opens with standard CLIs only: age -d | zstd -d > dump.rdb, redis-check-rdb, redis-server on the file', async () => {
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const { manifest, dir, fixture } = await backup(key, work);
    const artifact = join(fixture.root, dir, manifest.artifact);
    const restoreDir = join(work, 'manual');
    await runCommand('bash', ['-o', 'pipefail', '-c', 'mkdir -p "$3" && age -d -i "$1" "$2" | zstd -d > "$3/dump.rdb"', 'manual', key.identityFile, artifact, restoreDir]);
    const check = await runCommand('redis-check-rdb', [join(restoreDir, 'dump.rdb')]);
    expect(check.stdout).toMatch(/RDB looks OK/);
    const server = await fresh({ dir: restoreDir, dbfilename: 'dump.rdb' });
    const actual = await snapshotRedis(await server.client(), [0, 3]);
    expect(diffSnapshots(expected, actual)).toEqual([]);
  });

  it('restores into a directory as dump.rdb for the guided procedure, keeping the file it replaces', async () => {
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const { fixture, manifest, storage, entry } = await backup(key, work);
    const target = join(work, 'var-lib-redis');
    await restoreBackup({ entry, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity });
    await writeFile(join(target, 'marker'), 'x');
    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity });
    expect(restored.stats).toMatchObject({ keys: expected.size, expires: 40, expired: 0, sample_digest: manifest.stats.sample_digest });
    const names = (await readdir(target)).sort();
    expect(names.filter((n) => n.startsWith('dump.rdb.before-restore-'))).toHaveLength(1);
    expect(names).toContain('dump.rdb');
    expect(names.some((n) => n.includes('strata-tmp'))).toBe(false);
    await runCommand('redis-check-rdb', [join(target, 'dump.rdb')]);
    const copy = join(work, 'copy');
    await runCommand('mkdir', ['-p', copy]);
    await copyFile(join(target, 'dump.rdb'), join(copy, 'dump.rdb'));
    const server = await fresh({ dir: copy });
    expect(diffSnapshots(expected, await snapshotRedis(await server.client(), [0, 3]))).toEqual([]);
  });
});
