// Sample data for the MongoDB tests and an exact picture of a database to compare restores with: every
// document's raw BSON in `_id` order, every index spec, every collection's options and type.
import {
  Binary,
  BSON,
  Decimal128,
  Double,
  Int32,
  Long,
  ObjectId,
  Timestamp,
  type Db,
  type Document,
  type MongoClient,
} from 'mongodb';

export interface SeedNames {
  /** Main database: users, orders, mixed_ids, capped_log, cache, metrics (time series), active_users (view). */
  shop: string;
  /** Second database: articles. */
  cms: string;
}

/** Documents with _ids of any type (the driver's types assume ObjectId). */
export function asDocuments(docs: unknown[]): Document[] {
  return docs as Document[];
}

/** `users`: 120 documents holding every common BSON type, and five indexes (unique, compound, partial, TTL, text). */
export async function seedUsers(shop: Db): Promise<void> {
  const users = Array.from({ length: 120 }, (_, i) =>
    // Integer-like keys ("2024") and mixed number types must come back in the same order and types.
    new Map<string, unknown>([
      ['_id', new ObjectId()],
      ['email', `user${i}@example.com`],
      ['name', i % 7 === 0 ? `Zoë "quoted" ${i}` : `user ${i}`],
      ['country', ['fr', 'de', 'us'][i % 3]],
      ['age', new Int32(18 + (i % 50))],
      ['balance', new Double(i * 1.25)],
      ['visits', Long.fromNumber(i * 1_000_000_007)],
      ['exact', Decimal128.fromString(`${i}.10`)],
      ['createdAt', new Date(Date.UTC(2026, 0, 1) + i * 60_000)],
      ['avatar', new Binary(Buffer.from([i % 256, 1, 2, 3]), 0)],
      ['tags', ['a', i % 2 === 0 ? 'even' : 'odd', new Int32(i)]],
      ['scores', new Map<string, unknown>([['2025', new Int32(i)], ['2024', new Double(i / 2)], ['best', new Int32(i * 2)]])],
      ['bio', i % 5 === 0 ? 'searchable words about backups and restores' : null],
    ]),
  );
  await shop.collection('users').insertMany(users as unknown as Document[]);
  await shop.collection('users').createIndexes([
    { key: { email: 1 }, name: 'email_unique', unique: true },
    { key: { country: 1, age: -1 }, name: 'country_age' },
    { key: { age: 1 }, name: 'adults_only', partialFilterExpression: { age: { $gte: 21 } } },
    { key: { createdAt: 1 }, name: 'ttl_created', expireAfterSeconds: 10 * 365 * 86_400 },
    { key: { bio: 'text' }, name: 'bio_text' },
  ]);
}

/** `orders`: int32 _ids, doubles and timestamps, and one index. */
export async function seedOrders(shop: Db, orders: number): Promise<void> {
  await shop.collection('orders').insertMany(
    asDocuments(Array.from({ length: orders }, (_, i) => ({ _id: new Int32(i), user: i % 120, total: new Double((i * 37) % 1000), note: 'x'.repeat(i % 40), at: new Timestamp({ t: 1_700_000_000 + i, i: 1 }) }))),
  );
  await shop.collection('orders').createIndex({ user: 1 }, { name: 'by_user' });
}

export async function seedShop(client: MongoClient, names: SeedNames, orders = 500): Promise<void> {
  const shop = client.db(names.shop);
  await seedUsers(shop);
  await seedOrders(shop, orders);
  // _ids of several BSON types: the non-snapshot dump reads in _id order across types.
  await shop.collection('mixed_ids').insertMany(
    asDocuments([
      { _id: new Int32(1), v: 'int' },
      { _id: 'b', v: 'string' },
      { _id: new ObjectId(), v: 'oid' },
      { _id: { k: 1 }, v: 'doc' },
      { _id: new Double(2.5), v: 'double' },
      { _id: '$looks.like.a.field', v: 'dollar string' },
      { _id: new Date(0), v: 'date' },
    ]),
  );
  await shop.createCollection('capped_log', { capped: true, size: 1 << 20, max: 1000 });
  await shop.collection('capped_log').insertMany(Array.from({ length: 50 }, (_, i) => ({ i, line: `log line ${i}` })));
  await shop.collection('cache').insertMany(asDocuments(Array.from({ length: 10 }, (_, i) => ({ _id: `key${i}`, value: i }))));
  await shop.createCollection('metrics', { timeseries: { timeField: 'ts', metaField: 'meta', granularity: 'minutes' } });
  await shop.collection('metrics').insertMany(Array.from({ length: 30 }, (_, i) => ({ ts: new Date(Date.UTC(2026, 0, 1, 0, i)), meta: { sensor: i % 3 }, value: new Double(i / 3) })));
  await shop.collection('metrics').createIndex({ 'meta.sensor': 1, ts: 1 }, { name: 'sensor_ts' });
  await shop.createCollection('active_users', { viewOn: 'users', pipeline: [{ $match: { age: { $gte: 30 } } }, { $project: { email: 1 } }] });

  const cms = client.db(names.cms);
  await cms.collection('articles').insertMany(asDocuments(Array.from({ length: 20 }, (_, i) => ({ _id: `article-${i}`, title: `Article ${i}`, body: 'lorem '.repeat(i) }))));
}

export interface CollectionPicture {
  type: string;
  options: string;
  indexes: string[];
  /** Raw BSON (hex) of every document in `_id` order; for time series, of every bucket. */
  docs: string[];
}

const EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

function canonical(value: unknown): string {
  return BSON.EJSON.stringify(value as Document, { relaxed: false });
}

/** Everything a restore must reproduce in a database, by collection name. */
export async function pictureOf(client: MongoClient, database: string): Promise<Record<string, CollectionPicture>> {
  const db = client.db(database);
  const out: Record<string, CollectionPicture> = {};
  const infos = (await db.listCollections({}, EXACT).toArray()) as Document[];
  for (const info of infos.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
    const name = info.name as string;
    if (name.startsWith('system.')) continue;
    const type = (info.type as string | undefined) ?? 'collection';
    const picture: CollectionPicture = { type, options: canonical(info.options ?? {}), indexes: [], docs: [] };
    if (type !== 'view') {
      const indexes = (await db.collection(name).listIndexes(EXACT).toArray()) as Document[];
      picture.indexes = indexes.map(({ ns: _ns, ...spec }) => canonical(spec)).sort();
      const data = type === 'timeseries' ? `system.buckets.${name}` : name;
      const docs = (await db.collection(data).find({}, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Uint8Array[];
      picture.docs = docs.map((d) => Buffer.from(d).toString('hex'));
    }
    out[name] = picture;
  }
  return out;
}

/** Expected per-collection document counts in a manifest, for the collections of `picture`. */
export function countsOf(database: string, picture: Record<string, CollectionPicture>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, p] of Object.entries(picture)) if (p.type !== 'view') counts[`docs:${database}.${name}`] = p.docs.length;
  return counts;
}
