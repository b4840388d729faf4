// FAKE mongod: one collection's tar entry under concurrent writes — the cases of the real-server test
// (../mongodb/collection-dump-cases.ts) against the in-process fake: as a standalone, the dump sized
// before reading leaves out later inserts and fails loudly on a size change (the fake's plain cursors
// see writes between batches, as mongod's do); as a replica set, a snapshot session sees none of them.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import type { FakeMongodOptions } from '../../../helpers/fake-mongod/fake-mongod.js';
import { plainDumpCases, snapshotDumpCases } from '../mongodb/collection-dump-cases.js';
import { announceFake, useFakeMongod } from './fake-fixture.js';

announceFake('collection-dump.test.ts');

function suite(title: string, cases: typeof plainDumpCases, options: FakeMongodOptions): void {
  describe(title, () => {
    const fake = useFakeMongod(options);
    let client: MongoClient;

    beforeAll(async () => {
      client = new MongoClient(fake().uri);
      await client.connect();
    });

    afterAll(async () => {
      await client?.close();
    });

    cases(() => client, 'dumps');
  });
}

suite('FAKE mongod: mongodb collection dump without a snapshot', plainDumpCases, {});
suite('FAKE mongod: mongodb collection dump in a snapshot session', snapshotDumpCases, { replicaSet: true });
