// FAKE mongod: a restore that fails late (the decoded stream does not match the manifest) leaves nothing
// behind. The cases are shared with the real-server suite (test/integration/engines/mongodb/late-failure.test.ts).
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { lateFailureCases } from '../mongodb/late-failure-cases.js';
import type { SeedNames } from '../mongodb/fixture.js';
import { announceFake, seedFakeShop, useFakeMongod } from './fake-fixture.js';

announceFake('late-failure.test.ts');

describe('FAKE mongod: mongodb restore that fails late', () => {
  const fake = useFakeMongod();
  const names: SeedNames = { shop: 'shop', cms: 'cms' };
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(fake().uri);
    await client.connect();
    await seedFakeShop(client, names);
  });

  afterAll(async () => {
    await client?.close();
  });

  lateFailureCases(() => ({ uri: fake().uri, client, names, prefix: 'late_' }));
});
