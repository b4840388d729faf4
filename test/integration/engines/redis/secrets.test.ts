// Passwords planted in the source and target URLs (given as ${env:…} references, as in a policy)
// must appear in no output: manifests, artifacts, stats, verification records, errors, process argv.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { redisEngine } from '../../../../src/engines/redis/redis-engine.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { createSecretResolver } from '../../../../src/policy/secrets.js';
import { REDIS_BINARIES, redisFixture, seedRedis, startTestRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

async function readTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name), 'latin1'));
  }
  return out;
}

describeWithBinaries([...REDIS_BINARIES, 'ps'], 'redis secrets', () => {
  const PASSWORD = `Pl4nted-src-${randomBytes(6).toString('hex')}`;
  const TARGET_PASSWORD = `Pl4nted-tgt-${randomBytes(6).toString('hex')}`;
  let source: TestRedis;
  let target: TestRedis;

  beforeAll(async () => {
    source = await startTestRedis({ password: PASSWORD });
    target = await startTestRedis({ password: TARGET_PASSWORD });
    await seedRedis(await source.client(), { count: 20 });
  });

  afterAll(async () => {
    await Promise.all([source, target].map((s) => s?.stop()));
  });

  it('never shows a password: manifests, artifacts, stats, records, errors and argv', async () => {
    const resolve = createSecretResolver({
      STRATA_TEST_REDIS_URL: `redis://default:${PASSWORD}@127.0.0.1:${source.port}`,
      STRATA_TEST_REDIS_TARGET: target.url,
    });
    const outputs: string[] = [];
    const work = await makeTempDir();
    for (const mode of ['rdb', 'logical'] as const) {
      const fixture = redisFixture({ storageRoot: join(work, mode), url: '${env:STRATA_TEST_REDIS_URL}', mode, compression: 'none' });
      const result = await runBackup({ ...fixture, resolveSecret: resolve });
      outputs.push(JSON.stringify(result));
      const storage = fixture.storages.get('hot')!;
      const entry = (await scanTier(storage, 'hot', 'test-system/')).entries[0]!;
      const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: '${env:STRATA_TEST_REDIS_TARGET}', resolveSecret: resolve });
      expect(restored.stats.keys).toBe(result.manifest.stats.keys);
      const targetClient = await target.client();
      expect(await targetClient.dbsize()).toBe(result.manifest.stats.keys);
      await targetClient.flushall();
      outputs.push(JSON.stringify(restored));
      const record = await restoreTest({ entry, storage, policy: fixture.policy, resolveSecret: resolve, scratchRoot: work });
      expect(record.ok).toBe(true);
      outputs.push(JSON.stringify(record));
      // The source's password against the target: refused, and the message must not quote it.
      const refused = await restoreBackup({
        entry,
        storage,
        policy: fixture.policy,
        target: `redis://:${PASSWORD}@127.0.0.1:${target.port}`,
        resolveSecret: resolve,
      }).then(
        () => 'restored',
        (e: Error) => `${e.message} ${e.stack} ${String((e.cause as Error | undefined)?.message)}`,
      );
      expect(refused).toMatch(/authentication failed/);
      outputs.push(refused);
      outputs.push(...(await readTree(join(work, mode))));
    }
    await redisEngine.probe!({ name: 'cache', source: { type: 'redis', url: '${env:STRATA_TEST_REDIS_URL}' }, data: { source: 'cache', sourceType: 'redis' }, resolveSecret: resolve });

    // A scratch server (as restore tests and RDB restores start them) has its password in a 0600 file, not on argv.
    const scratch = await redisEngine.createScratchTarget!({ name: 'cache', source: { type: 'redis', url: 'redis://unused' }, data: { source: 'cache', sourceType: 'redis' }, resolveSecret: resolve }, work);
    const scratchUrl = new URL(scratch.target);
    const scratchPassword = decodeURIComponent(scratchUrl.password);
    const ps = (await runCommand('ps', ['-eo', 'args'])).stdout;
    await scratch.cleanup();
    // redis-server retitles itself "redis-server host:port"; its argv was only the config file path.
    expect(ps).toContain(`redis-server 127.0.0.1:${scratchUrl.port}`);
    expect(ps).not.toContain(scratchPassword);
    outputs.push(ps);

    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    for (const secret of [PASSWORD, TARGET_PASSWORD]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(encodeURIComponent(secret));
    }
  });
});
