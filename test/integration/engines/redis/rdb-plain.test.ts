// rdb mode without codecs (compression none, no recipients), the benchmark's like-for-like case: the
// stored artifact is the RDB itself, over both transfer paths (diskless: direct reads into large
// chunks and the EOF mark; disk: a length-delimited payload). sha256sum of the file matches the
// manifest (one hash pass serves both digests), redis-check-rdb reads every key, counts are exact.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { identity, REDIS_BINARIES, redisFixture, seedRedis, startTestRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

describeWithBinaries([...REDIS_BINARIES, 'sha256sum'], 'redis rdb backup without codecs', () => {
  const servers: TestRedis[] = [];

  async function server(config: string[]): Promise<TestRedis> {
    const started = await startTestRedis({ config: ['rdbcompression no', 'enable-debug-command yes', ...config] });
    servers.push(started);
    const client = await started.client();
    await seedRedis(client, { count: 50 });
    // ~6 MB: a dozen 512 KB chunks, records straddling every chunk boundary.
    await client.call('DEBUG', 'POPULATE', '30000', 'bulk', '200');
    return started;
  }

  let diskless: TestRedis;
  let disk: TestRedis;
  beforeAll(async () => {
    [diskless, disk] = await Promise.all([server(['repl-diskless-sync-delay 0']), server([])]);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  for (const path of ['diskless', 'disk'] as const) {
    it(`stores the RDB itself over the ${path} path: sha256sum = manifest, redis-check-rdb reads every key`, async () => {
      const source = path === 'diskless' ? diskless : disk;
      const keys = await (await source.client()).dbsize();
      const work = await makeTempDir();
      const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: source.url, compression: 'none' });
      const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
      expect(manifest.artifact).toBe('data.rdb');
      expect(manifest.codecs).toEqual({ format: 'rdb', compression: 'none', encryption: 'none' });
      expect(manifest.stats.keys).toBe(keys);
      expect(manifest.stats.expires).toBe(20);
      expect(manifest.raw_size).toBeGreaterThan(5 << 20);
      expect(manifest.size).toBe(manifest.raw_size);
      expect(manifest.stats.bytes).toBe(manifest.raw_size);

      const file = join(fixture.root, dir, 'data.rdb');
      const sum = await runCommand('sha256sum', [file]);
      expect(sum.stdout.split(' ')[0]).toBe(manifest.sha256);
      expect(manifest.raw_sha256).toBe(manifest.sha256);
      const check = await runCommand('redis-check-rdb', [file]);
      expect(check.stdout).toMatch(/RDB looks OK/);
      expect(check.stdout).toMatch(new RegExp(`\\[info\\] ${keys} keys read`));
    });
  }
});
