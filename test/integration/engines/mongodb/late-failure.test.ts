// A restore that fails late (the decoded stream does not match the manifest) leaves nothing behind,
// against the server of STRATA_TEST_MONGODB_URI (time series included: they are staged and copied).
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { describeWithMongo, dropDatabases, uniquePrefix } from '../../../helpers/mongodb-server.js';
import { seedShop, type SeedNames } from './fixture.js';
import { lateFailureCases } from './late-failure-cases.js';

describeWithMongo('mongodb restore that fails late', (uri) => {
  const prefix = uniquePrefix('late');
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

  lateFailureCases(() => ({ uri, client, names, prefix }));
});
