// A restore whose decoded stream turns out not to match the manifest (a wrong raw_sha256, or a stream
// shorter than raw_size) fails only after every document was read and inserted. Nothing from it may stay:
// databases it would have created do not appear, and existing collections (replaced in place, whole or
// --only) keep exactly their documents, indexes and options, with no staging collection left behind. The
// cases run against a real server (late-failure.test.ts) and against the FAKE mongod (mongodb-fake/).
import type { MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import type { CatalogEntry } from '../../../../src/model/catalog.js';
import { withDatabase } from '../../../helpers/mongodb-server.js';
import { encryptedBackup } from './encrypted-backup.js';
import { pictureOf, type SeedNames } from './fixture.js';

const identity = (value: string): string => value;

export interface LateFailureContext {
  uri: string;
  client: MongoClient;
  names: SeedNames;
  /** Prefix of every database the cases create. */
  prefix: string;
}

const broken: [string, (entry: CatalogEntry) => CatalogEntry][] = [
  ['a wrong raw_sha256', (entry) => ({ ...entry, manifest: { ...entry.manifest, raw_sha256: '0'.repeat(64) } })],
  ['a stream shorter than raw_size', (entry) => ({ ...entry, manifest: { ...entry.manifest, raw_size: entry.manifest.raw_size + 1 } })],
];

async function databaseNames(client: MongoClient): Promise<string[]> {
  const listed = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
  return (listed.databases as { name: string }[]).map((d) => d.name);
}

export function lateFailureCases(get: () => LateFailureContext): void {
  for (const [index, [what, breakEntry]] of broken.entries()) {
    it(`${what}: no database appears, and replaced collections keep their documents, whole or --only`, async () => {
      const { uri, client, names, prefix } = get();
      const { entry, storage, fixture, key, restore } = await encryptedBackup({ source: { uri, include: [names.shop, names.cms] } });
      const restoreBroken = (target: string, more: { only?: string[]; replace?: boolean } = {}) =>
        restoreBackup({ entry: breakEntry(entry), storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity, ...more });

      const fresh = `${prefix}fresh${index}_`;
      await expect(restoreBroken(withDatabase(uri, `${fresh}*`))).rejects.toThrow(/does not match the manifest/);
      expect((await databaseNames(client)).filter((name) => name.startsWith(fresh))).toEqual([]);

      const live = `${prefix}live${index}`;
      await restore(withDatabase(uri, live), { only: [names.shop] });
      const users = client.db(live).collection('users');
      await users.deleteMany({ country: 'fr' });
      await users.insertOne({ stray: true });
      await client.db(live).collection('orders').drop();
      const before = await pictureOf(client, live);
      await expect(restoreBroken(withDatabase(uri, live), { only: [names.shop], replace: true })).rejects.toThrow(/does not match the manifest/);
      expect(await pictureOf(client, live)).toEqual(before);
      await expect(restoreBroken(withDatabase(uri, live), { only: [`${names.shop}.users`], replace: true })).rejects.toThrow(/does not match the manifest/);
      expect(await pictureOf(client, live)).toEqual(before);

      // The intact backup then replaces them.
      await restore(withDatabase(uri, live), { only: [names.shop], replace: true });
      expect(await pictureOf(client, live)).toEqual(await pictureOf(client, names.shop));
    });
  }
}
