// Bench data for MongoDB, inserted through the driver (so the same data lands in the FAKE server or in a
// real one given with --uri): two databases per dataset, `<prefix>shop` and `<prefix>cms`, with a
// deterministic mix (seeded PRNG; random Binary bytes differ between runs, their sizes do not) of
// documents from about 200 B to 20 KB:
//   shop.users    30%  250 B–700 B   ObjectId _id, strings, Int32, Double, Decimal128, Date, bool, null,
//                                    a nested address with a nested geo point, a string array;
//   shop.orders   20%  0.8–5 KB      Long _id, an array of 1–25 line items (sub-documents), Decimal128
//                                    prices, Dates, a nested shipping document;
//   cms.articles  10%  4–20 KB       string _id, word text (compressible), an array of revisions,
//                                    a Binary attachment of random bytes, Long counters;
//   cms.events    40%  200 B–2 KB    ObjectId _id, Timestamp, Date, a nested payload, random Binary.
// Indexes (built after the data, as a restore does): users {email: 1} unique, orders {userId: 1,
// placedAt: -1} and {status: 1}, articles {authors: 1}, events {type: 1, at: -1}.
import { randomBytes } from 'node:crypto';
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'mongodb';

export const COLLECTIONS = [
  { db: 'shop', name: 'users', share: 0.3 },
  { db: 'shop', name: 'orders', share: 0.2 },
  { db: 'cms', name: 'articles', share: 0.1 },
  { db: 'cms', name: 'events', share: 0.4 },
];

const INDEXES = {
  users: [{ key: { email: 1 }, name: 'email_1', unique: true }],
  orders: [
    { key: { userId: 1, placedAt: -1 }, name: 'userId_1_placedAt_-1' },
    { key: { status: 1 }, name: 'status_1' },
  ],
  articles: [{ key: { authors: 1 }, name: 'authors_1' }],
  events: [{ key: { type: 1, at: -1 }, name: 'type_1_at_-1' }],
};

/** Documents per collection for `total` documents in all. */
export function planCounts(total) {
  return COLLECTIONS.map((c) => ({ ...c, docs: Math.round(total * c.share) }));
}

/** mulberry32: a small seeded PRNG, so every run generates the same data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'backup restore policy tier snapshot archive volume cluster replica shard index cursor batch stream ' +
  'document collection database server client network latency throughput memory storage object bucket ' +
  'retention schedule verify checksum digest manifest catalogue recovery drill failover primary secondary ' +
  'the a of and to in is that for on with as by at from this be or an are it was which not have'
).split(' ');
const CITIES = ['Lyon', 'Oslo', 'Porto', 'Quito', 'Kyoto', 'Perth', 'Tunis', 'Cork', 'Graz', 'Lagos'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'returned'];
const EVENT_TYPES = ['login', 'logout', 'view', 'click', 'purchase', 'error', 'search'];
const BASE_TIME = Date.UTC(2024, 0, 1);

function makeTools(random) {
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const pick = (list) => list[Math.floor(random() * list.length)];
  const text = (bytes) => {
    const parts = [];
    let size = 0;
    while (size < bytes) {
      const word = pick(WORDS);
      parts.push(word);
      size += word.length + 1;
    }
    return parts.join(' ');
  };
  // Random bytes (incompressible, like media or ciphertext); only their sizes follow the seed.
  const bytes = (n) => randomBytes(n);
  const oid = (n, salt) => {
    const b = Buffer.alloc(12);
    b.writeUInt32BE(1_700_000_000 + (n % 10_000_000), 0);
    b.writeUInt32BE(salt, 4);
    b.writeUInt32BE(n, 8);
    return new ObjectId(b);
  };
  const date = () => new Date(BASE_TIME + int(0, 365 * 24 * 3600) * 1000);
  const money = () => Decimal128.fromString(`${int(0, 99999)}.${String(int(0, 99)).padStart(2, '0')}`);
  return { int, pick, text, bytes, oid, date, money };
}

const MAKERS = {
  users: (i, t, random) => ({
    _id: t.oid(i, 1),
    name: `${t.text(12)} ${i}`,
    email: `user${i}@example.org`,
    age: new Int32(t.int(18, 90)),
    createdAt: t.date(),
    active: random() < 0.8,
    nickname: random() < 0.3 ? null : t.text(t.int(4, 20)),
    score: new Double(random() * 1000),
    balance: t.money(),
    address: { street: t.text(t.int(10, 40)), city: t.pick(CITIES), zip: String(t.int(10000, 99999)), geo: { lat: new Double(random() * 180 - 90), lng: new Double(random() * 360 - 180) } },
    tags: Array.from({ length: t.int(0, 8) }, () => t.pick(WORDS)),
    bio: t.text(t.int(20, 320)),
  }),
  orders: (i, t) => {
    const items = Array.from({ length: t.int(1, 25) }, () => ({ sku: `SKU-${t.int(1, 99999)}`, qty: new Int32(t.int(1, 9)), price: t.money(), title: t.text(t.int(20, 120)) }));
    return {
      _id: Long.fromNumber(i),
      userId: t.oid(t.int(0, 1_000_000), 1),
      status: t.pick(STATUSES),
      placedAt: t.date(),
      items,
      total: t.money(),
      shipping: { carrier: t.pick(['post', 'ups', 'dhl']), address: { city: t.pick(CITIES), lines: [t.text(30), t.text(20)] }, eta: t.date() },
      notes: t.text(t.int(0, 400)),
    };
  },
  articles: (i, t) => ({
    _id: `article-${i}-${t.text(16).replace(/ /g, '-')}`,
    title: t.text(t.int(20, 90)),
    authors: Array.from({ length: t.int(1, 3) }, () => t.pick(WORDS)),
    publishedAt: t.date(),
    views: Long.fromNumber(t.int(0, 5_000_000)),
    body: t.text(t.int(3000, 16000)),
    revisions: Array.from({ length: t.int(0, 10) }, (_, r) => ({ n: new Int32(r), at: t.date(), by: t.pick(WORDS), summary: t.text(t.int(10, 60)) })),
    attachment: new Binary(t.bytes(t.int(0, 2048))),
  }),
  events: (i, t, random) => ({
    _id: t.oid(i, 4),
    type: t.pick(EVENT_TYPES),
    at: t.date(),
    ts: new Timestamp({ t: 1_700_000_000 + i, i: 1 }),
    seq: new Int32(i % 2_000_000_000),
    ok: random() < 0.95,
    payload: { source: t.pick(CITIES), depth: new Int32(t.int(0, 9)), attrs: { a: t.text(t.int(5, 60)), b: new Double(random()), c: [new Int32(t.int(0, 9)), t.pick(WORDS)] } },
    raw: new Binary(t.bytes(t.int(0, 1200))),
    message: t.text(t.int(20, 400)),
  }),
};

/**
 * Fill `<prefix>shop` and `<prefix>cms` with `total` documents, in batches, one insert in flight while
 * the next batch is generated. Returns the counts per collection.
 */
export async function fill(client, prefix, total, log, seed = 42) {
  const plan = planCounts(total);
  for (const entry of plan) {
    const random = prng(seed + entry.name.length * 7919);
    const tools = makeTools(random);
    const collection = client.db(`${prefix}${entry.db}`).collection(entry.name);
    let pending;
    for (let at = 0; at < entry.docs; ) {
      const batch = [];
      let bytes = 0;
      while (at < entry.docs && batch.length < 5000 && bytes < 16 << 20) {
        const doc = MAKERS[entry.name](at, tools, random);
        batch.push(doc);
        bytes += entry.name === 'articles' ? 12000 : 1500;
        at += 1;
      }
      await pending;
      pending = collection.insertMany(batch, { ordered: false });
    }
    await pending;
    await collection.createIndexes(INDEXES[entry.name]);
    log(`  ${prefix}${entry.db}.${entry.name}: ${entry.docs} documents`);
  }
  return plan;
}
