// A MongoDB backup that dies part-way leaves no backup (the cases are in killed-backup-cases.ts), against
// the server of STRATA_TEST_MONGODB_URI.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { describeWithMongo, dropDatabases, uniquePrefix } from '../../../helpers/mongodb-server.js';
import { killedBackupCases, seedKillData } from './killed-backup-cases.js';

describeWithMongo('mongodb: a killed backup leaves no backup', (uri) => {
  const prefix = uniquePrefix('kill');
  const database = `${prefix}bulk`;
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(uri);
    await client.connect();
    await seedKillData(client, database);
  });

  afterAll(async () => {
    await client?.close();
    await dropDatabases(uri, prefix);
  });

  killedBackupCases(() => uri, () => client, database);
});
