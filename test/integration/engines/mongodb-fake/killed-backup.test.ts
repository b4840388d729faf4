// FAKE mongod: a MongoDB backup that dies part-way leaves no backup — the cases of the real-server crash
// test (../mongodb/killed-backup-cases.ts) with the in-process fake server: the killed backup runs in a
// child process that dumps from the fake over TCP, and its connections are counted with $currentOp.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { killedBackupCases, seedKillData } from '../mongodb/killed-backup-cases.js';
import { announceFake, useFakeMongod } from './fake-fixture.js';

announceFake('killed-backup.test.ts');

describe('FAKE mongod: mongodb: a killed backup leaves no backup', () => {
  const fake = useFakeMongod();
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(fake().uri);
    await client.connect();
    await seedKillData(client, 'bulk');
  });

  afterAll(async () => {
    await client?.close();
  });

  killedBackupCases(() => fake().uri, () => client, 'bulk');
});
