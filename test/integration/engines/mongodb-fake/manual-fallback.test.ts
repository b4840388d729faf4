// FAKE mongod: the runbook's manual fallback without Strata and without mongorestore: `age -d`, `zstd -d`
// and `tar x` turn a backup into mongodump's directory layout, whose `<db>/<coll>.bson` files decode
// with nothing but a BSON library (documents back to back) to exactly the server's documents, byte for
// byte, and whose `.metadata.json` files hold the collections' indexes, options, types and UUIDs.
// Mirrors test/integration/engines/mongodb/manual-fallback.test.ts (real mongod + mongorestore, GitHub CI).
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BSON, MongoClient, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import { requireBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { pictureOf, type SeedNames } from '../mongodb/fixture.js';
import { mongoFixture } from '../mongodb/policy-fixture.js';
import { announceFake, BULK_COLLECTION, BULK_DOCS, seedFakeShop, useFakeMongod } from './fake-fixture.js';

announceFake('manual-fallback.test.ts');

const EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** A `.bson` file read the way any BSON library can: int32 length, document, next. */
function decodeBsonFile(file: Buffer): { raw: string[]; docs: Document[] } {
  const raw: string[] = [];
  const docs: Document[] = [];
  let at = 0;
  while (at < file.length) {
    const size = file.readInt32LE(at);
    const bytes = file.subarray(at, at + size);
    docs.push(BSON.deserialize(bytes, EXACT));
    raw.push(bytes.toString('hex'));
    at += size;
  }
  expect(at).toBe(file.length);
  return { raw, docs };
}

describe('FAKE mongod: mongodb manual fallback with standard CLIs (no mongorestore)', () => {
  const fake = useFakeMongod();
  const names: SeedNames = { shop: 'shop', cms: 'cms' };
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(fake().uri);
    await client.connect();
    await seedFakeShop(client, names, { bulk: true });
  });

  afterAll(async () => {
    await client?.close();
  });

  it('age -d | zstd -d | tar x gives mongodump’s layout holding exactly the documents, indexes and UUIDs', async () => {
    const tools = requireBinaries(['age', 'zstd', 'tar'], 'FAKE mongod manual fallback');
    if (tools.missing.length > 0) {
      expect(tools.skip, `missing ${tools.missing.join(', ')}`).toBe(true);
      return;
    }
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri: fake().uri, include: [names.shop, names.cms] }, recipients: [key.recipient] });
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: (v) => v });
    expect(manifest.artifact).toBe('data.mongodump-tar.zst.age');

    const artifact = join(fixture.root, dir, manifest.artifact);
    await runCommand('age', ['-d', '-i', key.identityFile, '-o', join(work, 'dump.tar.zst'), artifact]);
    await runCommand('zstd', ['-d', '-q', join(work, 'dump.tar.zst'), '-o', join(work, 'dump.tar')]);
    const dump = join(work, 'dump');
    await mkdir(dump);
    const untar = await runCommand('tar', ['-xf', join(work, 'dump.tar'), '-C', dump]);
    expect(untar.stderr).toBe('');

    expect((await readdir(join(dump, names.shop))).sort()).toEqual(
      ['active_users.metadata.json', 'cache.bson', 'cache.metadata.json', 'capped_log.bson', 'capped_log.metadata.json', 'mixed_ids.bson', 'mixed_ids.metadata.json', 'orders.bson', 'orders.metadata.json', 'users.bson', 'users.metadata.json'].sort(),
    );
    expect((await readdir(join(dump, names.cms))).sort()).toEqual(['articles.bson', 'articles.metadata.json', `${BULK_COLLECTION}.bson`, `${BULK_COLLECTION}.metadata.json`]);

    for (const db of [names.shop, names.cms]) {
      const picture = await pictureOf(client, db);
      const infos = (await client.db(db).listCollections({}, EXACT).toArray()) as Document[];
      for (const [name, expected] of Object.entries(picture)) {
        const meta = BSON.EJSON.parse(await readFile(join(dump, db, `${name}.metadata.json`), 'utf8'), { relaxed: false }) as Document;
        const info = infos.find((i) => i.name === name)!;
        expect(meta.collectionName).toBe(name);
        expect(meta.type).toBe(expected.type);
        expect(BSON.EJSON.stringify((meta.options as Document | undefined) ?? {}, { relaxed: false })).toBe(expected.options);
        if (expected.type === 'view') {
          expect(meta.uuid).toBeUndefined();
          continue;
        }
        // mongodump writes the UUID as 32 hex digits.
        expect(meta.uuid).toBe(Buffer.from((info.info as { uuid: { buffer: Uint8Array } }).uuid.buffer).toString('hex'));
        expect((meta.indexes as Document[]).map(({ ns: _ns, ...spec }) => BSON.EJSON.stringify(spec, { relaxed: false })).sort()).toEqual(expected.indexes);
        const { raw, docs } = decodeBsonFile(await readFile(join(dump, db, `${name}.bson`)));
        expect(raw.sort(), `${db}.${name}`).toEqual([...expected.docs].sort());
        expect(docs.every((d) => d._id !== undefined)).toBe(true);
      }
    }
    expect(decodeBsonFile(await readFile(join(dump, names.cms, `${BULK_COLLECTION}.bson`))).docs).toHaveLength(BULK_DOCS);
  });
});
