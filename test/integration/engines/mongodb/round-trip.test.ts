// MongoDB backup → restore through runBackup/restoreBackup (zstd + age, local storage), against the
// server of STRATA_TEST_MONGODB_URI (a standalone: no snapshot) and, when set, STRATA_TEST_MONGODB_RS_URI
// (a replica set: snapshot reads). Restored databases must hold the same documents byte for byte, the
// same indexes, options, views and time series; partial restores, renames and --drop semantics.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { compareMongoStats } from '../../../../src/engines/mongodb/mongo-stats.js';
import { describeWithMongo, dropDatabases, MONGO_RS_URI_ENV, MONGO_URI_ENV, uniquePrefix, withDatabase } from '../../../helpers/mongodb-server.js';
import { encryptedBackup } from './encrypted-backup.js';
import { countsOf, pictureOf, seedShop, type SeedNames } from './fixture.js';

const identity = (value: string): string => value;

function roundTripSuite(title: string, env: string, snapshot: 0 | 1): void {
  describeWithMongo(
    title,
    (uri) => {
      const prefix = uniquePrefix('rt');
      const names: SeedNames = { shop: `${prefix}shop`, cms: `${prefix}cms` };
      let client: MongoClient;
      let shopPicture: Awaited<ReturnType<typeof pictureOf>>;
      let cmsPicture: Awaited<ReturnType<typeof pictureOf>>;

      beforeAll(async () => {
        client = new MongoClient(uri);
        await client.connect();
        await seedShop(client, names);
        shopPicture = await pictureOf(client, names.shop);
        cmsPicture = await pictureOf(client, names.cms);
      });

      afterAll(async () => {
        await client?.close();
        await dropDatabases(uri, prefix);
      });

      const backup = (options: { include?: string[]; exclude?: string[]; sourceExclude?: string[] } = {}) =>
        encryptedBackup({
          source: { uri, include: [names.shop, names.cms], ...(options.sourceExclude ? { exclude: options.sourceExclude } : {}) },
          include: options.include,
          exclude: options.exclude,
        });

      it('backs up and restores every database under new names: same documents, indexes, options, views, time series', async () => {
        const { result, restore } = await backup();
        const { stats } = result.manifest;
        expect(result.manifest.codecs.format).toBe('mongodump-tar');
        expect(stats).toMatchObject({ databases: 2, collections: 7, views: 1, snapshot, ...countsOf(names.shop, shopPicture), ...countsOf(names.cms, cmsPicture) });
        expect(stats[`docs:${names.shop}.users`]).toBe(120);
        expect(stats[`docs:${names.shop}.active_users`]).toBeUndefined();

        const restoredPrefix = `${prefix}r1_`;
        const restored = await restore(withDatabase(uri, `${restoredPrefix}*`));
        expect(restored.stats).toMatchObject(countsOf(names.shop, shopPicture));
        expect(compareMongoStats(stats, restored.stats)).toEqual([]);
        expect(await pictureOf(client, `${restoredPrefix}${names.shop}`)).toEqual(shopPicture);
        expect(await pictureOf(client, `${restoredPrefix}${names.cms}`)).toEqual(cmsPicture);
        // The view works on the restored data; the time series answers queries.
        const active = await client.db(`${restoredPrefix}${names.shop}`).collection('active_users').countDocuments();
        expect(active).toBe(await client.db(names.shop).collection('active_users').countDocuments());
        expect(await client.db(`${restoredPrefix}${names.shop}`).collection('metrics').countDocuments()).toBe(30);
      });

      it('passes a restore test into scratch databases, which are dropped afterwards', async () => {
        const { entry, storage, fixture, key } = await backup();
        const record = await restoreTest({ entry, storage, policy: fixture.policy, identityFile: key.identityFile, resolveSecret: identity });
        expect(record.details).toEqual([]);
        expect(record.ok).toBe(true);
        const listed = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
        expect((listed.databases as { name: string }[]).filter((d) => d.name.startsWith('strata_restore_test_') && d.name.endsWith(names.shop))).toEqual([]);
      });

      it('restores one collection into a renamed database (partial restore)', async () => {
        const { restore } = await backup();
        const target = `${prefix}partial`;
        const restored = await restore(withDatabase(uri, target), { only: [`${names.shop}.users`] });
        expect(Object.keys(restored.stats).filter((k) => k.startsWith('docs:'))).toEqual([`docs:${names.shop}.users`]);
        const picture = await pictureOf(client, target);
        expect(Object.keys(picture)).toEqual(['users']);
        expect(picture.users).toEqual(shopPicture.users);
      });

      it('renames a whole database, and refuses to merge several into one name', async () => {
        const { restore } = await backup();
        await expect(restore(withDatabase(uri, `${prefix}merged`))).rejects.toThrow(/selection holds 2 databases/);
        const target = `${prefix}cms_copy`;
        await restore(withDatabase(uri, target), { only: [names.cms] });
        expect(await pictureOf(client, target)).toEqual(cmsPicture);
      });

      it('refuses existing collections without replace, before writing anything; replace drops and restores them', async () => {
        const { restore } = await backup();
        const target = `${prefix}drop`;
        await restore(withDatabase(uri, target), { only: [names.shop] });
        const users = client.db(target).collection('users');
        await users.deleteMany({ country: 'fr' });
        await users.insertOne({ stray: true });
        await client.db(target).collection('orders').drop();
        const before = await pictureOf(client, target);
        await expect(restore(withDatabase(uri, target), { only: [names.shop] })).rejects.toThrow(new RegExp(`the target already has ${target}\\.active_users, ${target}\\.cache, ${target}\\.capped_log`));
        expect(await pictureOf(client, target)).toEqual(before);
        await restore(withDatabase(uri, target), { only: [names.shop], replace: true });
        expect(await pictureOf(client, target)).toEqual(shopPicture);
      });

      it('takes include/exclude from the source and the category', async () => {
        const { result } = await backup({ include: [names.shop], exclude: [`${names.shop}.orders`], sourceExclude: [`${names.shop}.cache`] });
        const dumped = Object.keys(result.manifest.stats).filter((k) => k.startsWith('docs:')).sort();
        expect(dumped).toEqual([`docs:${names.shop}.capped_log`, `docs:${names.shop}.metrics`, `docs:${names.shop}.mixed_ids`, `docs:${names.shop}.users`]);
      });
    },
    env,
  );
}

roundTripSuite('mongodb round trip (standalone: no snapshot)', MONGO_URI_ENV, 0);
roundTripSuite('mongodb round trip (replica set: snapshot reads)', MONGO_RS_URI_ENV, 1);
