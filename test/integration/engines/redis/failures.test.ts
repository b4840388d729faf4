// What goes wrong must leave nothing behind and say clearly what happened: a backup killed mid-
// transfer (SIGKILL), a source that is not listening, a wrong or missing password, SYNC refused.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { redisEngine } from '../../../../src/engines/redis/redis-engine.js';
import { removeDebris, scanTier } from '../../../../src/observe/scan-tier.js';
import { identity, REDIS_BINARIES, redisFixture, startTestRedis, type RedisFixtureOptions, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { killMidBackup, tempBytes, listAll } from '../../../helpers/kill-mid-backup.js';

const repo = join(import.meta.dirname, '..', '..', '..', '..');



/** A port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describeWithBinaries(REDIS_BINARIES, 'redis failures', () => {
  let big: TestRedis;
  let locked: TestRedis;
  const PASSWORD = 'Pl4nted-redis-Secret';

  beforeAll(async () => {
    // Uncompressed RDB values, so the snapshot is large enough (~60 MB) to kill the backup mid-transfer.
    big = await startTestRedis({ config: ['rdbcompression no', 'enable-debug-command yes'] });
    await (await big.client()).call('DEBUG', 'POPULATE', '200000', 'key', '300');
    locked = await startTestRedis({ password: PASSWORD, config: ['rename-command SYNC ""'] });
  });

  afterAll(async () => {
    await Promise.all([big, locked].map((s) => s?.stop()));
  });

  it.each(['rdb', 'logical'] as const)('a %s backup killed mid-transfer leaves no backup behind; the next one works', async (mode) => {
    const work = await makeTempDir();
    const options: RedisFixtureOptions = { storageRoot: join(work, 'storage'), url: big.url, mode, compression: 'none' };
    const fixture = redisFixture(options);
    const { ended, killedAt, output } = await killMidBackup(['--import', 'tsx', join(import.meta.dirname, 'backup-child.ts'), JSON.stringify(options)], {
      cwd: repo,
      env: { ...process.env, TMPDIR: work },
      progress: () => tempBytes(fixture.root),
      atBytes: 4 << 20,
      pollMs: 5,
    });
    expect(ended, `child output:\n${output}`).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);
    expect(output).not.toMatch(/^done/m);

    const storage = fixture.storages.get('hot')!;
    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.entries).toEqual([]);
    expect(scan.debris).toHaveLength(1);
    expect(scan.debris[0]!.keys.some((k) => k.endsWith('manifest.json'))).toBe(false);
    await removeDebris(storage, scan.debris[0]!);
    expect(await listAll(storage)).toEqual([]);

    // The server is unharmed and serves the next backup (an rdb one: quicker than 200k DUMPs).
    const next = redisFixture({ ...options, mode: 'rdb' });
    const { manifest } = await runBackup({ ...next, resolveSecret: identity });
    expect(manifest.stats.keys).toBe(200_000);
  });

  it('an unreachable source fails with host:port and without the password, in backup and probe', async () => {
    const port = await closedPort();
    const url = `redis://admin:${PASSWORD}@127.0.0.1:${port}/0`;
    for (const mode of ['rdb', 'logical'] as const) {
      const work = await makeTempDir();
      const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: '${env:REDIS_URL}', mode });
      const resolve = (v: string): string => v.replace('${env:REDIS_URL}', url);
      const error = await runBackup({ ...fixture, resolveSecret: resolve }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(new RegExp(`redis at 127\\.0\\.0\\.1:${port}: cannot connect: connection refused`));
      expect(JSON.stringify({ message: error?.message, stack: error?.stack, cause: String((error?.cause as Error)?.message) })).not.toContain(PASSWORD);
      expect(await listAll(fixture.storages.get('hot')!)).toEqual([]);
      const probe = await redisEngine.probe!({ name: 'cache', source: fixture.policy.sources.cache!, data: fixture.data, resolveSecret: resolve }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(probe?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused`));
      expect(probe?.message).not.toContain(PASSWORD);
    }
  });

  it('a wrong or missing password, and a server that forbids SYNC, are reported clearly', async () => {
    const host = `127.0.0.1:${locked.port}`;
    const attempt = async (url: string, mode: 'rdb' | 'logical') => {
      const work = await makeTempDir();
      const fixture = redisFixture({ storageRoot: join(work, 'storage'), url, mode });
      return runBackup({ ...fixture, resolveSecret: identity }).then(
        () => 'succeeded',
        (e: Error) => e.message,
      );
    };
    const wrong = await attempt(`redis://:not-the-${PASSWORD}@${host}`, 'rdb');
    expect(wrong).toMatch(new RegExp(`redis at ${host}: authentication failed`));
    expect(wrong).not.toContain(PASSWORD);
    expect(await attempt(`redis://:not-the-${PASSWORD}@${host}`, 'logical')).toMatch(new RegExp(`redis at ${host}: authentication failed`));
    expect(await attempt(`redis://${host}`, 'logical')).toMatch(/requires a password/);
    const refused = await attempt(locked.url, 'rdb');
    expect(refused).toMatch(new RegExp(`redis at ${host}: the server refused SYNC .*use mode: logical`));
    expect(refused).not.toContain(PASSWORD);
    expect(await attempt(locked.url, 'logical')).toBe('succeeded');
  });
});
