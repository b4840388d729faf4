// Shared set-up of the FAKE-mongod suite: a loud banner, a fake server per test file (standalone or
// replica set), and the reduced seed the fake supports — seedShop's data without the time series
// (the fake has none) and with the view as metadata only — plus a bulk collection large enough for
// getMore batching, the dump's sized (> BUFFER_LIMIT) path and multi-chunk BSON streaming.
import { randomBytes } from 'node:crypto';
import { Binary, BSONRegExp, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, type MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startFakeMongod, type FakeMongod, type FakeMongodOptions } from '../../../helpers/fake-mongod/fake-mongod.js';
import { asDocuments, seedOrders, seedUsers, type SeedNames } from '../mongodb/fixture.js';

/** Print the one line that says this file runs against the fake, not a MongoDB server. */
export function announceFake(what: string): void {
  console.warn(`FAKE MongoDB wire server: ${what} runs Strata's real MongoDB engine against test/helpers/fake-mongod (an in-process fake; no mongod can be installed here). Real-server tests: test/integration/engines/mongodb/`);
}

/** A fake server for the test file: started before its tests, closed after them. */
export function useFakeMongod(options: FakeMongodOptions = {}): () => FakeMongod {
  let fake: FakeMongod | undefined;
  beforeAll(async () => {
    fake = await startFakeMongod(options);
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => {
    if (!fake) throw new Error('the fake mongod is not started');
    return fake;
  };
}

export const BULK_DOCS = 2600;
export const BULK_COLLECTION = 'events';

/**
 * shop: users (every BSON type, five indexes), orders, mixed_ids (_ids of many types), capped_log
 * (capped options), cache, active_users (a view); cms: articles and `events`, ~18 MiB of incompressible
 * documents (more than the dump's 8 MiB in-memory buffer and the 16 MiB of one getMore batch).
 */
export async function seedFakeShop(client: MongoClient, names: SeedNames, options: { bulk?: boolean } = {}): Promise<void> {
  const shop = client.db(names.shop);
  await seedUsers(shop);
  await seedOrders(shop, 300);
  await shop.collection('mixed_ids').insertMany(
    asDocuments([
      { _id: new Int32(1), v: 'int' },
      { _id: 'b', v: 'string' },
      { _id: new ObjectId(), v: 'oid' },
      { _id: { k: 1 }, v: 'doc' },
      { _id: new Double(2.5), v: 'double' },
      { _id: '$looks.like.a.field', v: 'dollar string' },
      { _id: new Date(0), v: 'date' },
      { _id: Long.fromString('9007199254740993'), v: 'long beyond 2^53' },
      { _id: new Double(9007199254740992), v: 'double 2^53' },
      { _id: null, v: 'null' },
      { _id: new MinKey(), v: 'minkey' },
      { _id: new MaxKey(), v: 'maxkey' },
      { _id: true, v: 'bool' },
      { _id: new Binary(Buffer.from('bin')), v: 'binary' },
      { _id: new Timestamp({ t: 5, i: 6 }), v: 'timestamp' },
      { _id: { k: 1, j: [1, 2] }, v: 'longer doc' },
      { _id: 'B', v: 'upper-case string' },
      { _id: 'é', v: 'non-ASCII string' },
    ]),
    // Else the driver replaces the null _id with a new ObjectId.
    { forceServerObjectId: true },
  );
  await shop.createCollection('capped_log', { capped: true, size: 1 << 20, max: 1000 });
  await shop.collection('capped_log').insertMany(Array.from({ length: 50 }, (_, i) => ({ i, line: `log line ${i}`, pattern: new BSONRegExp(`^line ${i}$`, 'i') })));
  await shop.collection('cache').insertMany(asDocuments(Array.from({ length: 10 }, (_, i) => ({ _id: `key${i}`, value: i }))));
  await shop.createCollection('active_users', { viewOn: 'users', pipeline: [{ $match: { age: { $gte: 30 } } }, { $project: { email: 1 } }] });

  const cms = client.db(names.cms);
  await cms.collection('articles').insertMany(asDocuments(Array.from({ length: 20 }, (_, i) => ({ _id: `article-${i}`, title: `Article ${i}`, body: 'lorem '.repeat(i) }))));
  if (options.bulk) {
    const events = cms.collection(BULK_COLLECTION);
    for (let at = 0; at < BULK_DOCS; at += 500) {
      const docs = Array.from({ length: Math.min(500, BULK_DOCS - at) }, (_, k) => ({ n: at + k, blob: randomBytes(5400).toString('base64') }));
      await events.insertMany(docs);
    }
  }
}
