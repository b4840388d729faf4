// FAKE mongod: MongoDB backup → restore through runBackup/restoreBackup (zstd + age, local storage), with
// Strata's real engine and the real driver against the in-process fake server (test/helpers/fake-mongod),
// as a standalone (no snapshot) and as a replica set (snapshot reads). Mirrors
// test/integration/engines/mongodb/round-trip.test.ts, which runs against a real mongod on GitHub CI,
// with the seed the fake supports (no time series; the view is metadata only).
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { compareMongoStats } from '../../../../src/engines/mongodb/mongo-stats.js';
import { withDatabase } from '../../../helpers/mongodb-server.js';
import { encryptedBackup } from '../mongodb/encrypted-backup.js';
import { countsOf, pictureOf, type SeedNames } from '../mongodb/fixture.js';
import { announceFake, BULK_COLLECTION, BULK_DOCS, seedFakeShop, useFakeMongod } from './fake-fixture.js';

announceFake('round-trip.test.ts');

const identity = (value: string): string => value;

function roundTripSuite(title: string, replicaSet: boolean, snapshot: 0 | 1): void {
  describe(title, () => {
    const fake = useFakeMongod({ replicaSet });
    const names: SeedNames = { shop: 'shop', cms: 'cms' };
    let uri: string;
    let client: MongoClient;
    let shopPicture: Awaited<ReturnType<typeof pictureOf>>;
    let cmsPicture: Awaited<ReturnType<typeof pictureOf>>;

    beforeAll(async () => {
      uri = fake().uri;
      client = new MongoClient(uri);
      await client.connect();
      await seedFakeShop(client, names, { bulk: true });
      shopPicture = await pictureOf(client, names.shop);
      cmsPicture = await pictureOf(client, names.cms);
    });

    afterAll(async () => {
      await client?.close();
    });

    const backup = (options: { include?: string[]; exclude?: string[]; sourceExclude?: string[]; sourceInclude?: string[] } = {}) =>
      encryptedBackup({
        source: { uri, include: options.sourceInclude ?? [names.shop, `${names.cms}.articles`], ...(options.sourceExclude ? { exclude: options.sourceExclude } : {}) },
        include: options.include,
        exclude: options.exclude,
      });

    it('backs up and restores every database under new names: the same documents byte for byte, indexes, options and views', async () => {
      const { result, restore } = await backup({ sourceInclude: [names.shop, names.cms] });
      const { stats } = result.manifest;
      expect(result.manifest.codecs).toMatchObject({ format: 'mongodump-tar', compression: 'zstd', encryption: 'age' });
      expect(stats).toMatchObject({ databases: 2, collections: 7, views: 1, indexes: 6, snapshot, ...countsOf(names.shop, shopPicture), ...countsOf(names.cms, cmsPicture) });
      expect(stats[`docs:${names.shop}.users`]).toBe(120);
      expect(stats[`docs:${names.cms}.${BULK_COLLECTION}`]).toBe(BULK_DOCS);
      expect(stats[`docs:${names.shop}.active_users`]).toBeUndefined();
      // system.views (where the server keeps view definitions) is not dumped.
      expect(Object.keys(stats).filter((k) => k.includes('system.'))).toEqual([]);
      if (snapshot === 1) expect(stats.snapshot_sessions).toBe(1);
      expect(stats.bytes).toBeGreaterThan(16 << 20);

      const restored = await restore(withDatabase(uri, 'r1_*'));
      expect(restored.stats).toMatchObject(countsOf(names.shop, shopPicture));
      expect(compareMongoStats(stats, restored.stats)).toEqual([]);
      expect(await pictureOf(client, `r1_${names.shop}`)).toEqual(shopPicture);
      expect(await pictureOf(client, `r1_${names.cms}`)).toEqual(cmsPicture);
    });

    it('passes a restore test into scratch databases, which are dropped afterwards', async () => {
      const { entry, storage, fixture, key } = await backup();
      const record = await restoreTest({ entry, storage, policy: fixture.policy, identityFile: key.identityFile, resolveSecret: identity });
      expect(record.details).toEqual([]);
      expect(record.ok).toBe(true);
      const listed = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
      expect((listed.databases as { name: string }[]).filter((d) => d.name.startsWith('strata_restore_test_'))).toEqual([]);
    });

    it('restores one collection into a renamed database (partial restore)', async () => {
      const { restore } = await backup();
      const restored = await restore(withDatabase(uri, 'partial'), { only: [`${names.shop}.users`] });
      expect(Object.keys(restored.stats).filter((k) => k.startsWith('docs:'))).toEqual([`docs:${names.shop}.users`]);
      const picture = await pictureOf(client, 'partial');
      expect(Object.keys(picture)).toEqual(['users']);
      expect(picture.users).toEqual(shopPicture.users);
    });

    it('renames a whole database, and refuses to merge several into one name', async () => {
      const { restore } = await backup();
      await expect(restore(withDatabase(uri, 'merged'))).rejects.toThrow(/selection holds 2 databases/);
      expect((await client.db('admin').command({ listDatabases: 1, nameOnly: true })).databases).not.toContainEqual({ name: 'merged' });
      await restore(withDatabase(uri, 'cms_copy'), { only: [names.cms] });
      expect(await pictureOf(client, 'cms_copy')).toEqual({ articles: cmsPicture.articles });
    });

    it('refuses existing collections without replace, before writing anything; replace drops and restores them', async () => {
      const { restore } = await backup();
      const target = 'drop';
      await restore(withDatabase(uri, target), { only: [names.shop] });
      const users = client.db(target).collection('users');
      await users.deleteMany({ country: 'fr' });
      await users.insertOne({ stray: true });
      await client.db(target).collection('orders').drop();
      const before = await pictureOf(client, target);
      expect(before.users!.docs).toHaveLength(81);
      await expect(restore(withDatabase(uri, target), { only: [names.shop] })).rejects.toThrow(new RegExp(`the target already has ${target}\\.active_users, ${target}\\.cache, ${target}\\.capped_log`));
      expect(await pictureOf(client, target)).toEqual(before);
      await restore(withDatabase(uri, target), { only: [names.shop], replace: true });
      expect(await pictureOf(client, target)).toEqual(shopPicture);
    });

    it('takes include/exclude from the source and the category', async () => {
      const { result } = await backup({ include: [names.shop], exclude: [`${names.shop}.orders`], sourceExclude: [`${names.shop}.cache`] });
      const dumped = Object.keys(result.manifest.stats).filter((k) => k.startsWith('docs:')).sort();
      expect(dumped).toEqual([`docs:${names.shop}.capped_log`, `docs:${names.shop}.mixed_ids`, `docs:${names.shop}.users`]);
    });
  });
}

roundTripSuite('FAKE mongod: mongodb round trip (standalone: no snapshot)', false, 0);
roundTripSuite('FAKE mongod: mongodb round trip (replica set: snapshot reads)', true, 1);
