// One collection's tar entry under concurrent writes (the cases are in collection-dump-cases.ts), against
// the servers of STRATA_TEST_MONGODB_URI (standalone: no snapshot) and STRATA_TEST_MONGODB_RS_URI
// (replica set: a snapshot session).
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { describeWithMongo, dropDatabases, MONGO_RS_URI_ENV, uniquePrefix } from '../../../helpers/mongodb-server.js';
import { plainDumpCases, snapshotDumpCases } from './collection-dump-cases.js';

function suite(title: string, cases: typeof plainDumpCases, env?: string): void {
  describeWithMongo(
    title,
    (uri) => {
      const prefix = uniquePrefix('cd');
      let client: MongoClient;

      beforeAll(async () => {
        client = new MongoClient(uri);
        await client.connect();
      });

      afterAll(async () => {
        await client?.close();
        await dropDatabases(uri, prefix);
      });

      cases(() => client, `${prefix}db`);
    },
    env,
  );
}

suite('mongodb collection dump without a snapshot', plainDumpCases);
suite('mongodb collection dump in a snapshot session', snapshotDumpCases, MONGO_RS_URI_ENV);
