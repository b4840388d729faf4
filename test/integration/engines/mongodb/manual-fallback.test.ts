// The runbook's manual fallback, with standard CLIs only: `age -d`, `zstd -d`, `tar x` give mongodump's
// directory layout holding exactly the source documents, and `mongorestore --dir` (a binary on PATH, or
// the mongo image's when STRATA_TEST_MONGORESTORE_IMAGE is set) restores the same data, indexes,
// options, views and time series. Without mongorestore that last step prints SKIPPED.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { BsonSplitter } from '../../../../src/engines/mongodb/bson-stream.js';
import { parseMetadata } from '../../../../src/engines/mongodb/dump-metadata.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import { describeWithMongo, dropDatabases, findMongorestore, uniquePrefix } from '../../../helpers/mongodb-server.js';
import { requireBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { pictureOf, seedShop, type SeedNames } from './fixture.js';
import { mongoFixture } from './policy-fixture.js';

async function bsonFileDocs(path: string): Promise<string[]> {
  const splitter = new BsonSplitter(path);
  const docs = splitter.push(await readFile(path)).map((d) => d.toString('hex'));
  splitter.end();
  return docs;
}

describeWithMongo('mongodb manual fallback with standard CLIs', (uri) => {
  const prefix = uniquePrefix('manual');
  const names: SeedNames = { shop: `${prefix}shop`, cms: `${prefix}cms` };
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(uri);
    await client.connect();
    await seedShop(client, names);
  });

  afterAll(async () => {
    await client?.close();
    await dropDatabases(uri, prefix);
  });

  it('age -d | zstd -d | tar x gives mongodump’s layout; mongorestore --dir restores the same data', async () => {
    const tools = requireBinaries(['age', 'zstd', 'tar'], 'mongodb manual fallback');
    if (tools.missing.length > 0) {
      expect(tools.skip, `missing ${tools.missing.join(', ')}`).toBe(true);
      return;
    }
    const work = await makeTempDir();
    const key = await generateAgeKey(work);
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri, include: [names.shop, names.cms] }, recipients: [key.recipient] });
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: (v) => v });
    expect(manifest.artifact).toBe('data.mongodump-tar.zst.age');

    const artifact = join(fixture.root, dir, manifest.artifact);
    await runCommand('age', ['-d', '-i', key.identityFile, '-o', join(work, 'dump.tar.zst'), artifact]);
    await runCommand('zstd', ['-d', '-q', join(work, 'dump.tar.zst'), '-o', join(work, 'dump.tar')]);
    const dump = join(work, 'dump');
    await mkdir(dump);
    const untar = await runCommand('tar', ['-xf', join(work, 'dump.tar'), '-C', dump]);
    expect(untar.stderr).toBe('');

    const shop = await pictureOf(client, names.shop);
    expect((await readdir(join(dump, names.shop))).sort()).toEqual(
      [
        'active_users.metadata.json',
        'cache.bson',
        'cache.metadata.json',
        'capped_log.bson',
        'capped_log.metadata.json',
        'metrics.metadata.json',
        'mixed_ids.bson',
        'mixed_ids.metadata.json',
        'orders.bson',
        'orders.metadata.json',
        'system.buckets.metrics.bson',
        'users.bson',
        'users.metadata.json',
      ].sort(),
    );
    for (const [name, picture] of Object.entries(shop)) {
      const meta = parseMetadata(await readFile(join(dump, names.shop, `${name}.metadata.json`), 'utf8'), name);
      expect(meta.collectionName).toBe(name);
      expect(meta.type).toBe(picture.type);
      if (picture.type === 'view') continue;
      const file = picture.type === 'timeseries' ? `system.buckets.${name}.bson` : `${name}.bson`;
      expect((await bsonFileDocs(join(dump, names.shop, file))).sort(), name).toEqual([...picture.docs].sort());
    }

    const mongorestore = findMongorestore();
    if (!mongorestore) {
      console.warn('SKIPPED: mongodb manual fallback: mongorestore step: no mongorestore on PATH and STRATA_TEST_MONGORESTORE_IMAGE is not set');
      return;
    }
    const target = `${prefix}manual`;
    const [file, ...args] = mongorestore(dump, ['--uri', uri, '--nsInclude', `${names.shop}.*`, '--nsFrom', `${names.shop}.*`, '--nsTo', `${target}.*`]);
    await runCommand(file!, args, { timeoutMs: 120_000 });
    expect(await pictureOf(client, target)).toEqual(shop);
  });
});
