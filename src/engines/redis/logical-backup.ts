// Logical mode: SCAN + DUMP + PTTL, pipelined, written as a RESP stream of
//   SELECT <db>
//   RESTORE <key> <ttl> <payload> REPLACE [ABSTTL]
// which `redis-cli --pipe` loads into any Redis ≥ 5. TTLs are absolute (ABSTTL, unix ms), so a key
// restored after its expiry time is not resurrected (as when redis-server loads an RDB).
// Works where SYNC is forbidden (managed Redis). Not a point-in-time snapshot: keys are read one
// batch at a time while the server keeps serving writes. SCAN may return a key twice; it is then
// written twice (the second RESTORE … REPLACE wins) and counted twice.
import type { RedisSource } from '../../generated/policy.js';
import type { SourceStats } from '../../model/manifest.js';
import type { BackupRequest, EngineBackup } from '../engine.js';
import { GeneratorReadable } from '../../pipeline/generator-readable.js';
import { digestSample, KeySampler } from './key-sample.js';
import { createKeyFilter, type KeyPredicate } from './key-pattern.js';
import { parseKeyspace } from './keyspace.js';
import { RespClient } from './resp-client.js';
import { RespBuilder } from './resp-encode.js';
import { RespError, type RespReply } from './resp-reply.js';
import { dumpBatches } from './dump-batches.js';
import { offerDump } from './rdb-value.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';


export interface LogicalStats {
  keys: number;
  expires: number;
  bytes: number;
  /** Keys returned by SCAN that were gone (deleted or expired) before DUMP. */
  vanished: number;
}

export function quoteKey(key: Buffer): string {
  const text = key.toString('utf8');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export function replyText(reply: RespReply): string {
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply);
}

/** Which databases a logical backup reads: the source's db, else the URL's, else every non-empty one. */
async function databasesToRead(client: RespClient, source: RedisSource, endpoint: RedisEndpoint): Promise<number[]> {
  if (source.db !== undefined) return [source.db];
  if (endpoint.db !== undefined) return [endpoint.db];
  const keyspace = parseKeyspace(replyText(await client.ok(['INFO', 'keyspace'])));
  return [...keyspace.keys()].sort((a, b) => a - b);
}

interface DumpPlan {
  client: RespClient;
  endpoint: RedisEndpoint;
  dbs: number[];
  match: string | undefined;
  filter: KeyPredicate | undefined;
  stats: LogicalStats;
  sampler: KeySampler;
  signal: AbortSignal | undefined;
}

async function* dumpDatabases(plan: DumpPlan): AsyncGenerator<Buffer> {
  const out = new RespBuilder(1 << 20);
  for (const db of plan.dbs) {
    await plan.client.select(db);
    out.command(['SELECT', db]);
    for await (const batch of dumpBatches(plan.client, plan.match, plan.filter, plan.signal)) {
      encodeBatch(plan, db, batch.keys, batch.replies, out);
      if (out.size >= 1 << 20) yield out.take();
    }
  }
  if (out.size > 0) yield out.take();
}

function encodeBatch(plan: DumpPlan, db: number, keys: Buffer[], replies: RespReply[], out: RespBuilder): void {
  const { stats } = plan;
  const now = Date.now();
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const payload = replies[2 * i];
    const ttl = replies[2 * i + 1];
    const error = payload instanceof RespError ? payload : ttl instanceof RespError ? ttl : undefined;
    if (error) throw endpointError(plan.endpoint, `DUMP of key ${quoteKey(key)} in db ${db} failed: ${error.message}`);
    if (!Buffer.isBuffer(payload) || typeof ttl !== 'number' || ttl === -2) {
      stats.vanished += 1;
      continue;
    }
    const expireAt = ttl > 0 ? now + ttl : 0;
    if (expireAt > 0) out.command(['RESTORE', key, expireAt, payload, 'REPLACE', 'ABSTTL']);
    else out.command(['RESTORE', key, 0, payload, 'REPLACE']);
    stats.keys += 1;
    stats.bytes += payload.length;
    if (expireAt > 0) stats.expires += 1;
    offerDump(plan.sampler, db, key, expireAt === 0, payload);
  }
}

export async function backupLogical(request: BackupRequest, source: RedisSource, endpoint: RedisEndpoint): Promise<EngineBackup> {
  const include = [...(source.include ?? []), ...(request.data.include ?? [])];
  const exclude = [...(source.exclude ?? []), ...(request.data.exclude ?? [])];
  // Several include patterns cannot go into one SCAN MATCH: all of them are then checked here.
  const match = include.length === 1 ? include[0] : undefined;
  const filter = include.length > 1 ? createKeyFilter(include, exclude) : createKeyFilter([], exclude);
  const client = await RespClient.connect(endpoint, { signal: request.signal });
  let dbs: number[];
  try {
    dbs = await databasesToRead(client, source, endpoint);
  } catch (error) {
    client.close();
    throw error;
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
    try {
      yield* dumpDatabases({ client, endpoint, dbs, match, filter, stats, sampler, signal: request.signal });
    } catch (error) {
      const failed = messageOf(error).startsWith('redis at ') ? (error as Error) : endpointError(endpoint, messageOf(error), error);
      rejectDone(failed);
      throw failed;
    } finally {
      client.close();
    }
    const result: SourceStats = { keys: stats.keys, expires: stats.expires, bytes: stats.bytes, sample_digest: digestSample(sampler.sample) };
    if (stats.vanished > 0) result.vanished = stats.vanished;
    resolveDone(result);
  }

  const stream = new GeneratorReadable(generate());
  stream.on('close', () => rejectDone(new Error('the backup stream was closed before the end')));
  return { stream, done };
}
