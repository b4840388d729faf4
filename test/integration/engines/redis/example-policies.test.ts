// Every Redis source of the example policies (policies/*.yaml) runs for real: against a private
// server, with the policy's mode and persistence settings, each category that uses it is backed up
// (to a temp local tier, with a test age key: the examples' tiers and keys are not available here)
// and passes its restore test.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RedisSource } from '../../../../src/generated/policy.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { applyPersistence, desiredPersistence, diffPersistence, readPersistence } from '../../../../src/engines/redis/persistence.js';
import type { ResolvedPolicy } from '../../../../src/model/policy-model.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { loadPolicies } from '../../../../src/policy/load-policies.js';
import { createSecretResolver } from '../../../../src/policy/secrets.js';
import { LocalStorage } from '../../../../src/storage/local/local-storage.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import { REDIS_BINARIES, seedRedis, startTestRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const policiesDir = join(import.meta.dirname, '..', '..', '..', '..', 'policies');

describeWithBinaries([...REDIS_BINARIES, 'age', 'age-keygen', 'zstd'], 'example policies: redis sources', () => {
  let policies: ResolvedPolicy[] = [];
  const servers: TestRedis[] = [];

  beforeAll(async () => {
    const loaded = await loadPolicies([policiesDir]);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    policies = loaded.policies;
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('backs up and restore-tests every category of every example Redis source, and applies its persistence settings', async () => {
    const sources = policies.flatMap((policy) => Object.entries(policy.sources).filter(([, s]) => s.type === 'redis').map(([name, s]) => ({ policy, name, source: s as RedisSource })));
    expect(sources.length).toBeGreaterThanOrEqual(3);
    let categoriesRun = 0;
    for (const { policy, name, source } of sources) {
      const server = await startTestRedis({ password: `example-${name}-pw` });
      servers.push(server);
      await seedRedis(await server.client(), { count: 30 });
      const reference = /^\$\{env:([A-Z0-9_]+)\}$/.exec(source.url);
      expect(reference, `${policy.system}/${name}: the example's url should be an env reference`).not.toBeNull();
      const resolve = createSecretResolver({ [reference![1]!]: server.url });

      const desired = desiredPersistence(source);
      if (Object.keys(desired).length > 0) {
        const changes = diffPersistence(desired, await readPersistence(source, resolve, name));
        expect(changes.length).toBeGreaterThan(0);
        await applyPersistence(source, resolve, changes, name);
        expect(diffPersistence(desired, await readPersistence(source, resolve, name))).toEqual([]);
      }

      for (const example of policy.categories.filter((c) => c.data.some((d) => d.source === name))) {
        const work = await makeTempDir();
        const key = await generateAgeKey(work);
        const storage = new LocalStorage(join(work, 'hot'));
        const category = { ...example, copies: [{ tier: 'hot', keep: { last: 1 } }], recipients: [key.recipient] };
        const local: ResolvedPolicy = { ...policy, tiers: { hot: { name: 'hot', storage: { type: 'local', path: join(work, 'hot') }, offsite: false } }, categories: [category] };
        const data = category.data.find((d) => d.source === name)!;
        const { manifest } = await runBackup({ policy: local, category, data, storages: new Map([['hot', storage]]), resolveSecret: resolve });
        expect(manifest.codecs.format).toBe((source.mode ?? 'rdb') === 'rdb' ? 'rdb' : 'resp');
        expect(manifest.stats.keys).toBe(await (await server.client()).dbsize());
        const entry = (await scanTier(storage, 'hot', `${policy.system}/`)).entries[0]!;
        const record = await restoreTest({ entry, storage, policy: local, identityFile: key.identityFile, resolveSecret: resolve, scratchRoot: work });
        expect(record.details, `${policy.system}/${category.name}`).toEqual([]);
        expect(record.ok).toBe(true);
        categoriesRun += 1;
      }
    }
    expect(categoriesRun).toBeGreaterThanOrEqual(3);
  });
});
