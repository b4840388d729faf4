// Private redis-server instances for tests (random port, temp dir, no persistence by default), a
// resolved policy with one redis source, seed data of every type, and a canonical snapshot of a
// server's data to compare a restore with its source.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RedisSource, RedisTls } from '../../src/generated/policy.js';
import { singleSourceFixture, type SingleSourceFixture } from './single-source-fixture.js';
import { startScratchServer, type ScratchServer, type ScratchTls } from '../../src/engines/redis/scratch-server.js';

export const REDIS_BINARIES = ['redis-server', 'redis-cli', 'redis-check-rdb'];

/** ioredis TLS options from the endpoint's tls settings (a TLS-only test server), else none. */
function ioredisTls(server: Partial<Pick<ScratchServer, 'endpoint'>>): { tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer } } {
  const endpoint = server.endpoint;
  if (!endpoint?.tls) return {};
  const files = endpoint.tlsSettings ?? {};
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
  return { tls: { ca: read(files.ca_file), cert: read(files.cert_file), key: read(files.key_file) } };
}

/** An ioredis client: tests check Strata's own RESP client against an independent one. */
export async function connectIoredis(server: Pick<ScratchServer, 'port' | 'password'> & Partial<Pick<ScratchServer, 'endpoint'>>, db = 0): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port: server.port,
    password: server.password,
    db,
    lazyConnect: true,
    retryStrategy: () => null,
    disableClientInfo: true,
    ...ioredisTls(server),
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface TestRedis extends ScratchServer {
  /** A connected client on database `db`; closed by stop(). */
  client(db?: number): Promise<Redis>;
}

export interface TestRedisOptions {
  /** Password to require (default: none). */
  password?: string;
  config?: string[];
  /** Directory to run in; a fresh temp dir (removed on stop) by default. */
  dir?: string;
  dbfilename?: string;
  configVia?: 'file' | 'stdin';
  /** TLS only (see redis-tls.ts). */
  tls?: ScratchTls;
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'strata-redis-test-')));
  const server = await startScratchServer({
    dir,
    password: options.password ?? null,
    // Tests run with the server's default diskless delay unless they say otherwise.
    config: options.config,
    dbfilename: options.dbfilename,
    configVia: options.configVia,
    tls: options.tls,
  });
  const clients: Redis[] = [];
  return {
    ...server,
    async client(db = 0) {
      const client = await connectIoredis(server, db);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await server.stop();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisFixtureOptions {
  storageRoot: string;
  url: string;
  mode?: 'rdb' | 'logical';
  db?: number;
  include?: string[];
  exclude?: string[];
  dataInclude?: string[];
  dataExclude?: string[];
  compression?: 'zstd' | 'gzip' | 'none';
  recipients?: string[];
  source?: string;
  tls?: RedisTls;
}

export type RedisFixture = SingleSourceFixture;

export function redisFixture(options: RedisFixtureOptions): RedisFixture {
  const source: RedisSource = {
    type: 'redis',
    url: options.url,
    mode: options.mode ?? 'rdb',
    ...(options.db !== undefined ? { db: options.db } : {}),
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  };
  return singleSourceFixture({
    storageRoot: options.storageRoot,
    sourceName: options.source ?? 'cache',
    source,
    categoryName: 'sessions',
    include: options.dataInclude,
    exclude: options.dataExclude,
    compression: options.compression,
    recipients: options.recipients,
  });
}

/** Keys of every type (strings, int strings, hashes, lists, sets, zsets, a stream, big collections, TTLs). */
export async function seedRedis(client: Redis, options: { prefix?: string; count?: number } = {}): Promise<void> {
  const prefix = options.prefix ?? '';
  const count = options.count ?? 200;
  const pipeline = client.pipeline();
  for (let i = 0; i < count; i += 1) {
    pipeline.set(`${prefix}str:${i}`, `value-${i}-${'x'.repeat(i % 40)}`);
    pipeline.set(`${prefix}int:${i}`, String(i * 7));
    pipeline.hset(`${prefix}hash:${i}`, { a: String(i), b: 'bee', c: 'c'.repeat(30) });
    pipeline.rpush(`${prefix}list:${i}`, 'a', 'b', String(i));
    pipeline.sadd(`${prefix}set:${i}`, '1', '2', String(i));
    pipeline.zadd(`${prefix}zset:${i}`, 1, 'a', 2.5, 'b', i, 'c');
  }
  pipeline.rpush(`${prefix}biglist`, ...Array.from({ length: 1500 }, (_, k) => `item-${k}`));
  pipeline.hset(`${prefix}bighash`, Object.fromEntries(Array.from({ length: 800 }, (_, k) => [`f${k}`, `v${k}`])));
  pipeline.sadd(`${prefix}bigset`, ...Array.from({ length: 800 }, (_, k) => `m${k}`));
  pipeline.zadd(`${prefix}bigzset`, ...Array.from({ length: 400 }, (_, k) => [k * 1.5, `m${k}`]).flat());
  pipeline.set(`${prefix}bigstr`, 'y'.repeat(100_000));
  pipeline.set(`${prefix}binary`, Buffer.from([0, 1, 2, 255, 254, 13, 10]));
  for (let k = 0; k < 12; k += 1) pipeline.xadd(`${prefix}stream`, `${k + 1}-0`, 'field', String(k));
  pipeline.xgroup('CREATE', `${prefix}stream`, 'group', '0');
  pipeline.xreadgroup('GROUP', 'group', 'consumer', 'COUNT', 3, 'STREAMS', `${prefix}stream`, '>');
  for (let i = 0; i < 20; i += 1) pipeline.set(`${prefix}ttl:${i}`, `short-lived-${i}`, 'EX', 3600);
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}

export interface KeySnapshot {
  type: string;
  value: string;
  /** -1 for no TTL; otherwise the remaining ms. */
  ttl: number;
}

async function readValue(client: Redis, key: Buffer, type: string): Promise<string> {
  switch (type) {
    case 'string':
      return ((await client.getBuffer(key)) ?? Buffer.alloc(0)).toString('hex');
    case 'list':
      return JSON.stringify(await client.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify((await client.smembers(key)).sort());
    case 'zset':
      return JSON.stringify(await client.call('ZRANGE', key, '0', '-1', 'WITHSCORES'));
    case 'hash':
      return JSON.stringify(Object.entries(await client.hgetall(key)).sort());
    case 'stream':
      return JSON.stringify([await client.xrange(key, '-', '+'), await client.xinfo('GROUPS', key)]);
    default:
      return `<${type}>`;
  }
}

/** Every key of the given databases, canonically: `db:key` → type, value, ttl. */
export async function snapshotRedis(client: Redis, dbs: number[] = [0]): Promise<Map<string, KeySnapshot>> {
  const out = new Map<string, KeySnapshot>();
  for (const db of dbs) {
    await client.select(db);
    let cursor = '0';
    do {
      const [next, keys] = (await client.callBuffer('SCAN', cursor, 'COUNT', 1000)) as [Buffer, Buffer[]];
      cursor = next.toString();
      for (const key of keys) {
        const type = await client.type(key);
        out.set(`${db}:${key.toString('latin1')}`, { type, value: await readValue(client, key, type), ttl: await client.pttl(key) });
      }
    } while (cursor !== '0');
  }
  await client.select(0);
  return out;
}

/** Differences between two snapshots; TTLs must both be absent or both present and within `ttlToleranceMs`. */
export function diffSnapshots(expected: Map<string, KeySnapshot>, actual: Map<string, KeySnapshot>, ttlToleranceMs = 60_000): string[] {
  const differences: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (!got) differences.push(`missing ${key}`);
    else if (got.type !== want.type) differences.push(`${key}: type ${want.type} → ${got.type}`);
    else if (got.value !== want.value) differences.push(`${key}: value differs`);
    else if ((want.ttl < 0) !== (got.ttl < 0) || Math.abs(want.ttl - got.ttl) > ttlToleranceMs) differences.push(`${key}: ttl ${want.ttl} → ${got.ttl}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.push(`unexpected ${key}`);
  return differences;
}

export const identity = (value: string): string => value;
