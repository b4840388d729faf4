// Logical mode: SCAN + DUMP + PTTL, pipelined, written as a RESP stream of
//   SELECT <db>
//   RESTORE <key> <ttl> <payload> REPLACE [ABSTTL]
// which `redis-cli --pipe` loads into any Redis ≥ 5. TTLs are absolute (ABSTTL, unix ms), so a key
// restored after its expiry time is not resurrected (as when redis-server loads an RDB).
// Works where SYNC is forbidden (managed Redis). Not a point-in-time snapshot: keys are read one
// batch at a time while the server keeps serving writes.
import type { Redis } from 'ioredis';
import type { RedisSource } from '../../generated/policy.js';
import type { SourceStats } from '../../model/manifest.js';
import type { BackupRequest, EngineBackup } from '../engine.js';
import { GeneratorReadable } from './generator-readable.js';
import { digestSample, KeySampler } from './key-sample.js';
import { createKeyFilter, type KeyPredicate } from './key-pattern.js';
import { parseKeyspace } from './keyspace.js';
import { closeClient, connectClient } from './redis-client.js';
import { encodeCommand, encodeCommandParts } from './resp-encode.js';
import { offerDump } from './rdb-value.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

const SCAN_COUNT = 1000;

export interface LogicalStats {
  keys: number;
  expires: number;
  bytes: number;
  /** Keys returned by SCAN that were gone (deleted or expired) before DUMP. */
  vanished: number;
}

/** Which databases a logical backup reads: the source's db, else the URL's, else every non-empty one. */
async function databasesToRead(client: Redis, source: RedisSource, endpoint: RedisEndpoint): Promise<number[]> {
  if (source.db !== undefined) return [source.db];
  if (endpoint.db !== undefined) return [endpoint.db];
  const keyspace = parseKeyspace(await client.info('keyspace'));
  return [...keyspace.keys()].sort((a, b) => a - b);
}

/** With exactly one include pattern the server filters (SCAN MATCH); other patterns are applied here. */
function scanArgs(include: readonly string[]): (string | number)[] {
  return include.length === 1 ? ['MATCH', include[0]!, 'COUNT', SCAN_COUNT] : ['COUNT', SCAN_COUNT];
}

async function* dumpDatabases(
  client: Redis,
  endpoint: RedisEndpoint,
  dbs: number[],
  include: readonly string[],
  filter: KeyPredicate | undefined,
  stats: LogicalStats,
  sampler: KeySampler,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  const args = scanArgs(include);
  for (const db of dbs) {
    await client.select(db);
    yield encodeCommand(['SELECT', db]);
    const scanFrom = (cursor: string): Promise<[Buffer, Buffer[]]> => {
      const next = client.callBuffer('SCAN', cursor, ...args) as Promise<[Buffer, Buffer[]]>;
      next.catch(() => undefined); // a prefetched SCAN may fail while a batch is pending: it is awaited later
      return next;
    };
    let scan = scanFrom('0');
    for (;;) {
      if (signal?.aborted) throw new Error('backup aborted');
      const [cursorBuffer, found] = await scan;
      const cursor = cursorBuffer.toString('latin1');
      const keys = filter ? found.filter(filter) : found;
      let batch: Promise<[Error | null, unknown][] | null> | undefined;
      if (keys.length > 0) {
        const pipeline = client.pipeline();
        for (const key of keys) pipeline.dumpBuffer(key).pttl(key);
        batch = pipeline.exec();
      }
      // The next SCAN goes on the wire right behind the DUMPs: one round trip per batch, not two.
      if (cursor !== '0') scan = scanFrom(cursor);
      if (batch) yield encodeBatch(endpoint, db, keys, await batch, stats, sampler);
      if (cursor === '0') break;
    }
  }
}

function encodeBatch(
  endpoint: RedisEndpoint,
  db: number,
  keys: Buffer[],
  results: [Error | null, unknown][] | null,
  stats: LogicalStats,
  sampler: KeySampler,
): Buffer {
  if (!results) throw endpointError(endpoint, 'the DUMP pipeline was aborted');
  const now = Date.now();
  const parts: Buffer[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const [dumpError, payload] = results[2 * i]!;
    const [ttlError, ttl] = results[2 * i + 1]!;
    const error = dumpError ?? ttlError;
    if (error) throw endpointError(endpoint, `DUMP of key ${quoteKey(key)} in db ${db} failed: ${messageOf(error)}`);
    if (!Buffer.isBuffer(payload) || typeof ttl !== 'number' || ttl === -2) {
      stats.vanished += 1;
      continue;
    }
    const expireAt = ttl > 0 ? now + ttl : 0;
    const args = expireAt > 0 ? ['RESTORE', key, expireAt, payload, 'REPLACE', 'ABSTTL'] : ['RESTORE', key, 0, payload, 'REPLACE'];
    parts.push(...encodeCommandParts(args));
    stats.keys += 1;
    stats.bytes += payload.length;
    if (expireAt > 0) stats.expires += 1;
    offerDump(sampler, db, key, expireAt === 0, payload);
  }
  return Buffer.concat(parts);
}

export function quoteKey(key: Buffer): string {
  const text = key.toString('utf8');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export async function backupLogical(request: BackupRequest, source: RedisSource, endpoint: RedisEndpoint): Promise<EngineBackup> {
  const include = [...(source.include ?? []), ...(request.data.include ?? [])];
  const exclude = [...(source.exclude ?? []), ...(request.data.exclude ?? [])];
  // Several include patterns cannot go into one SCAN MATCH: all of them are then checked here.
  const filter = include.length > 1 ? createKeyFilter(include, exclude) : createKeyFilter([], exclude);
  const client = await connectClient(endpoint);
  let dbs: number[];
  try {
    dbs = await databasesToRead(client, source, endpoint);
  } catch (error) {
    await closeClient(client);
    throw endpointError(endpoint, `cannot list the databases: ${messageOf(error)}`, error);
  }
  const stats: LogicalStats = { keys: 0, expires: 0, bytes: 0, vanished: 0 };
  const sampler = new KeySampler();
  let resolveDone!: (stats: SourceStats) => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<SourceStats>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined);

  async function* generate(): AsyncGenerator<Buffer> {
    let failed: Error | undefined;
    try {
      yield* dumpDatabases(client, endpoint, dbs, include, filter, stats, sampler, request.signal);
    } catch (error) {
      failed = messageOf(error).startsWith('redis at ') ? (error as Error) : endpointError(endpoint, messageOf(error), error);
      throw failed;
    } finally {
      await closeClient(client);
      if (failed) rejectDone(failed);
    }
    const result: SourceStats = { keys: stats.keys, expires: stats.expires, bytes: stats.bytes, sample_digest: digestSample(sampler.sample) };
    if (stats.vanished > 0) result.vanished = stats.vanished;
    resolveDone(result);
  }

  const stream = new GeneratorReadable(generate());
  stream.on('close', () => rejectDone(new Error('the backup stream was closed before the end')));
  return { stream, done };
}
