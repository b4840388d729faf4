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
import { GeneratorReadable } from './generator-readable.js';
import { digestSample, KeySampler } from './key-sample.js';
import { createKeyFilter, type KeyPredicate } from './key-pattern.js';
import { parseKeyspace } from './keyspace.js';
import { RespClient } from './resp-client.js';
import { RespBuilder } from './resp-encode.js';
import { RespError, type RespReply } from './resp-reply.js';
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

/** With exactly one include pattern the server filters (SCAN MATCH); other patterns are applied here. */
export function scanCommand(cursor: string, match: string | undefined): string[] {
  return match === undefined ? ['SCAN', cursor, 'COUNT', String(SCAN_COUNT)] : ['SCAN', cursor, 'MATCH', match, 'COUNT', String(SCAN_COUNT)];
}

export function parseScanReply(endpoint: RedisEndpoint, reply: RespReply): { cursor: string; keys: Buffer[] } {
  if (reply instanceof RespError) throw endpointError(endpoint, `SCAN failed: ${reply.message}`);
  if (!Array.isArray(reply) || reply.length !== 2 || !Buffer.isBuffer(reply[0]) || !Array.isArray(reply[1])) {
    throw endpointError(endpoint, 'unexpected reply to SCAN');
  }
  return { cursor: reply[0].toString('latin1'), keys: reply[1] as Buffer[] };
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

interface Pending {
  keys: Buffer[];
  /** Whether the reply list ends with the next SCAN's reply. */
  scanning: boolean;
  replies: Promise<RespReply[]>;
}

/** Send DUMP + PTTL for `keys`, and the next SCAN behind them (one round trip per batch). */
function requestBatch(plan: DumpPlan, keys: Buffer[], cursor: string): Pending {
  const request = new RespBuilder();
  for (const key of keys) request.command(['DUMP', key]).command(['PTTL', key]);
  const scanning = cursor !== '0';
  if (scanning) request.command(scanCommand(cursor, plan.match));
  const replies = plan.client.pipelineRaw(request.take(), keys.length * 2 + (scanning ? 1 : 0));
  replies.catch(() => undefined); // awaited below; this only covers a generator closed while it is in flight
  return { keys, scanning, replies };
}

async function* dumpDatabases(plan: DumpPlan): AsyncGenerator<Buffer> {
  const { client, endpoint } = plan;
  const out = new RespBuilder(1 << 20);
  const select = (found: Buffer[]): Buffer[] => (plan.filter ? found.filter(plan.filter) : found);
  for (const db of plan.dbs) {
    await client.select(db);
    out.command(['SELECT', db]);
    const first = parseScanReply(endpoint, (await client.pipeline([scanCommand('0', plan.match)]))[0]!);
    let pending: Pending | undefined = requestBatch(plan, select(first.keys), first.cursor);
    while (pending) {
      if (plan.signal?.aborted) throw new Error('backup aborted');
      const current: Pending = pending;
      const replies = await current.replies;
      pending = undefined;
      if (current.scanning) {
        // The server starts on the next batch while this one is encoded.
        const next = parseScanReply(endpoint, replies[replies.length - 1]!);
        pending = requestBatch(plan, select(next.keys), next.cursor);
      }
      encodeBatch(plan, db, current.keys, replies, out);
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
