// Every example policy's Redis source runs: each example is loaded as written, its `${env:REDIS_URL}`
// pointed at a private password-protected redis-server, its tiers on local disk and its age recipient
// replaced by a test key. Every category with a Redis source backs up, passes a restore test, and the
// persistence settings the example declares are planned and applied against the real server.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreTest } from '../../../src/backup/restore-test.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import { sourceSettingsHandler } from '../../../src/engines/source-settings.js';
import { diffSettings } from '../../../src/plan/plan-source-settings.js';
import { scanTier } from '../../../src/observe/scan-tier.js';
import { loadPolicies } from '../../../src/policy/load-policies.js';
import { createSecretResolver } from '../../../src/policy/secrets.js';
import { LocalStorage } from '../../../src/storage/local/local-storage.js';
import type { Storage } from '../../../src/storage/storage.js';
import { generateAgeKey } from '../../helpers/age-key.js';
import { REDIS_BINARIES, startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { requireBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { policiesDir } from '../../unit/examples/example-policies.js';

const EXAMPLES = ['bot-core.yaml', 'rag-system.yaml', 'sketchy-chain.yaml'];
const bins = requireBinaries([...REDIS_BINARIES, 'age', 'age-keygen', 'zstd'], 'example policies: Redis sources');

describe.skipIf(bins.skip)('example policies: Redis sources back up and restore', () => {
  let server: TestRedis;

  beforeAll(async () => {
    server = await startTestRedis({ password: 'example-PLANTED-pw', config: ['repl-diskless-sync-delay 0'] });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  for (const example of EXAMPLES) {
    it(`${example}: every category with a Redis source backs up and passes a restore test`, async () => {
      const { policies, diagnostics } = await loadPolicies([join(policiesDir, example)]);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const policy = policies[0]!;
      const client = await server.client();
      await client.flushall();
      for (let i = 0; i < 50; i += 1) await client.set(`${policy.system}:key:${i}`, `value-${i}`);
      await client.hset(`${policy.system}:hash`, { a: '1', b: '2' });
      const work = await makeTempDir();
      const key = await generateAgeKey(work);
      const storages = new Map<string, Storage>(Object.keys(policy.tiers).map((tier) => [tier, new LocalStorage(join(work, 'tiers', tier))]));
      const resolveSecret = createSecretResolver({ REDIS_URL: server.url });
      let ran = 0;
      for (const [name, source] of Object.entries(policy.sources)) {
        if (source.type !== 'redis') continue;
        const handler = sourceSettingsHandler(source);
        if (handler) {
          const changes = diffSettings(handler.desired(source), await handler.read(source, resolveSecret));
          expect(changes.length, 'the private server starts with other persistence settings').toBeGreaterThan(0);
          await handler.apply(source, resolveSecret, changes);
          expect(diffSettings(handler.desired(source), await handler.read(source, resolveSecret))).toEqual([]);
        }
        for (const category of policy.categories.filter((c) => c.data.some((d) => d.source === name))) {
          for (const data of category.data.filter((d) => d.source === name)) {
            const run = await runBackup({ policy, category: { ...category, recipients: [key.recipient] }, data, storages, resolveSecret });
            expect(run.manifest.stats.keys).toBe(51);
            const tier = category.copies[0]!.tier;
            const scan = await scanTier(storages.get(tier)!, tier, `${policy.system}/${category.name}/${name}/`);
            const entry = scan.entries.find((e) => e.manifest.id === run.manifest.id)!;
            const record = await restoreTest({ entry, storage: storages.get(tier)!, policy, identityFile: key.identityFile, resolveSecret });
            expect(record.details, category.name).toEqual([]);
            expect(record.ok).toBe(true);
            ran += 1;
          }
        }
      }
      expect(ran).toBeGreaterThan(0);
    });
  }
});
