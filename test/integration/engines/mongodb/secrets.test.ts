// The connection string never leaks: a URI carrying a planted password (for a user created for the test)
// and a planted appName goes through backup, restore, restore test, probe and a failing restore; neither
// secret appears in the manifest, the stored files, the stats or any error.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { mongodbEngine } from '../../../../src/engines/mongodb/mongodb-engine.js';
import { formatMongoUri, parseMongoUri } from '../../../../src/engines/mongodb/mongo-uri.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { createSecretResolver } from '../../../../src/policy/secrets.js';
import { describeWithMongo, dropDatabases, uniquePrefix, withDatabase } from '../../../helpers/mongodb-server.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { mongoFixture } from './policy-fixture.js';

const PASSWORD = 'Pl4nted:pw@m0ngo/%x';
const APP_NAME = 'Pl4ntedAppName9';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describeWithMongo('mongodb: the connection string leaks nowhere', (uri) => {
  const prefix = uniquePrefix('secret');
  const user = `${prefix}user`;
  let client: MongoClient;
  let secretUri: string;

  beforeAll(async () => {
    client = new MongoClient(uri);
    await client.connect();
    await client.db('admin').command({ createUser: user, pwd: PASSWORD, roles: ['root'] });
    await client.db(`${prefix}app`).collection('things').insertMany(Array.from({ length: 25 }, (_, i) => ({ i, note: `thing ${i}` })));
    const parsed = parseMongoUri(uri);
    secretUri = formatMongoUri({
      ...parsed,
      userinfo: `${encodeURIComponent(user)}:${encodeURIComponent(PASSWORD)}`,
      query: [...parsed.query, ['authSource', 'admin'], ['appName', APP_NAME]],
    });
  });

  afterAll(async () => {
    await client?.db('admin').command({ dropUser: user }).catch(() => undefined);
    await client?.close();
    await dropDatabases(uri, prefix);
  });

  it('keeps the password and the rest of the URI out of every output', async () => {
    const work = await makeTempDir();
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri: '${env:STRATA_IT_SECRET_MONGO_URI}', include: [`${prefix}app`] }, compression: 'none' });
    const resolveSecret = createSecretResolver({ STRATA_IT_SECRET_MONGO_URI: secretUri });
    const outputs: string[] = [];

    const { manifest } = await runBackup({ ...fixture, resolveSecret });
    outputs.push(JSON.stringify(manifest));
    expect(manifest.stats[`docs:${prefix}app.things`]).toBe(25);
    const storage = fixture.storages.get('hot')!;
    const [entry] = (await scanTier(storage, 'hot', 'test-system/')).entries;

    const restored = await restoreBackup({ entry: entry!, storage, policy: fixture.policy, target: withDatabase(secretUri, `${prefix}restored`), resolveSecret });
    outputs.push(JSON.stringify(restored));
    const record = await restoreTest({ entry: entry!, storage, policy: fixture.policy, resolveSecret });
    expect(record.details).toEqual([]);
    outputs.push(JSON.stringify(record));
    await mongodbEngine.probe!({ name: 'app-db', source: fixture.policy.sources['app-db']!, data: fixture.data, resolveSecret });

    // A failing restore (the target collection exists) and a failing backup (wrong password).
    const again = await restoreBackup({ entry: entry!, storage, policy: fixture.policy, target: withDatabase(secretUri, `${prefix}restored`), resolveSecret }).catch((e: Error) => e.message);
    expect(again).toMatch(/already has/);
    outputs.push(String(again));
    const wrong = secretUri.replace(encodeURIComponent(PASSWORD), encodeURIComponent(`${PASSWORD}-wrong`));
    const denied = await runBackup({ ...fixture, resolveSecret: createSecretResolver({ STRATA_IT_SECRET_MONGO_URI: wrong }) }).catch((e: Error) => e.message);
    expect(denied).toMatch(/Authentication failed/i);
    outputs.push(String(denied));

    for (const file of await filesUnder(fixture.root)) outputs.push((await readFile(file)).toString('latin1'));
    const everything = outputs.join('\n');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), APP_NAME, secretUri]) expect(everything).not.toContain(secret);
  });
});
