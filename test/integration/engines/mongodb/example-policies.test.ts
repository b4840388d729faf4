// Every example policy's MongoDB source runs: each example is loaded as written, its `${env:…}` URI
// pointed at the test server (holding the databases and collections the example names), its tiers on
// local disk and its age recipient replaced by a test key. Every category that backs up MongoDB gets a
// backup holding exactly what its include/exclude select, and a passing restore test.
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { parseNamespacePattern } from '../../../../src/engines/mongodb/namespace-filter.js';
import type { MongodbSource } from '../../../../src/generated/policy.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { loadPolicies } from '../../../../src/policy/load-policies.js';
import { createSecretResolver, findSecretReferences } from '../../../../src/policy/secrets.js';
import { LocalStorage } from '../../../../src/storage/local/local-storage.js';
import type { Storage } from '../../../../src/storage/storage.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import { describeWithMongo, dropDatabases, uniquePrefix, withDatabase } from '../../../helpers/mongodb-server.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { policiesDir } from '../../../unit/examples/example-policies.js';

const EXAMPLES = ['bot-core.yaml', 'cryptons.yaml', 'litecoin-knowledge-hub.yaml', 'sketchy-chain.yaml'];

/** Literal namespaces an example names (source and category include/exclude lists). */
function namedNamespaces(patterns: string[]): { db: string; coll?: string }[] {
  return patterns.flatMap((p) => {
    const parsed = parseNamespacePattern(p);
    if (!parsed.literalDb) return [];
    const dot = p.indexOf('.');
    return [{ db: parsed.literalDb, ...(dot === -1 ? {} : { coll: p.slice(dot + 1) }) }];
  });
}

describeWithMongo('example policies: MongoDB sources back up and restore', (uri) => {
  const prefix = uniquePrefix('ex');
  const seeded = new Set<string>();
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(uri);
    await client.connect();
  });

  afterAll(async () => {
    for (const db of seeded) await client.db(db).dropDatabase().catch(() => undefined);
    await client?.close();
    await dropDatabases(uri, prefix);
  });

  async function seed(db: string, collections: string[]): Promise<void> {
    if (!seeded.has(db)) {
      // Example databases have fixed names: start from a clean one.
      await client.db(db).dropDatabase();
      seeded.add(db);
    }
    for (const coll of collections) {
      await client.db(db).collection(coll).insertMany(Array.from({ length: 7 }, (_, i) => ({ i, from: `${db}.${coll}` })));
    }
  }

  for (const example of EXAMPLES) {
    it(`${example}: every category with a MongoDB source backs up what it selects and passes a restore test`, async () => {
      const { policies, diagnostics } = await loadPolicies([join(policiesDir, example)]);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const policy = policies[0]!;
      const work = await makeTempDir();
      const key = await generateAgeKey(work);
      const storages = new Map<string, Storage>(Object.keys(policy.tiers).map((tier) => [tier, new LocalStorage(join(work, 'tiers', tier))]));

      const env: Record<string, string> = {};
      let ran = 0;
      for (const [name, source] of Object.entries(policy.sources)) {
        if (source.type !== 'mongodb') continue;
        const mongo = source as MongodbSource;
        const categories = policy.categories.filter((c) => c.data.some((d) => d.source === name));
        const patterns = [...(mongo.include ?? []), ...categories.flatMap((c) => c.data.filter((d) => d.source === name).flatMap((d) => [...(d.include ?? []), ...(d.exclude ?? [])])), ...(mongo.exclude ?? [])];
        let named = namedNamespaces(patterns);
        // A source without includes dumps every database: point it at one private database instead.
        const privateDb = named.length === 0 ? `${prefix}${name.replace(/[^a-z0-9]/gi, '_')}` : undefined;
        if (privateDb) named = [{ db: privateDb }];
        for (const db of new Set(named.map((n) => n.db))) {
          const colls = named.filter((n) => n.db === db && n.coll).map((n) => n.coll!);
          await seed(db, [...colls, 'extra_items']);
        }
        for (const ref of findSecretReferences(mongo.uri)) {
          const variable = /^\$\{env:(.+)\}$/.exec(ref)?.[1];
          if (variable) env[variable] = privateDb ? withDatabase(uri, privateDb) : uri;
        }
        const resolveSecret = createSecretResolver(env);

        for (const category of categories) {
          for (const data of category.data.filter((d) => d.source === name)) {
            const run = await runBackup({ policy, category: { ...category, recipients: [key.recipient] }, data, storages, resolveSecret });
            const dumped = Object.keys(run.manifest.stats).filter((k) => k.startsWith('docs:')).map((k) => k.slice('docs:'.length));
            expect(dumped.length, `${category.name}: something was dumped`).toBeGreaterThan(0);
            for (const ns of dumped) {
              const [db] = ns.split('.');
              expect(seeded.has(db!), `${category.name} dumped ${ns}, a database the example does not name`).toBe(true);
            }
            for (const included of namedNamespaces(data.include ?? []).filter((n) => n.coll)) {
              expect(dumped, `${category.name} includes ${included.db}.${included.coll}`).toContain(`${included.db}.${included.coll}`);
            }
            for (const excluded of namedNamespaces([...(data.exclude ?? []), ...(mongo.exclude ?? [])]).filter((n) => n.coll)) {
              expect(dumped).not.toContain(`${excluded.db}.${excluded.coll}`);
            }
            const tier = category.copies[0]!.tier;
            const scan = await scanTier(storages.get(tier)!, tier, `${policy.system}/${category.name}/${name}/`);
            const entry = scan.entries.find((e) => e.manifest.id === run.manifest.id)!;
            const record = await restoreTest({ entry, storage: storages.get(tier)!, policy, identityFile: key.identityFile, resolveSecret });
            expect(record.details, `${category.name}`).toEqual([]);
            expect(record.ok).toBe(true);
            ran += 1;
          }
        }
      }
      expect(ran).toBeGreaterThan(0);
    });
  }
});
