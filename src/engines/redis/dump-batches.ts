// SCAN + DUMP + PTTL over one database, in batches, with the next batch already requested while the
// caller handles the current one (the server works while we encode or write). Each batch's request
// carries the next SCAN behind its DUMPs: one round trip per batch.
import type { KeyPredicate } from './key-pattern.js';
import type { RespClient } from './resp-client.js';
import { RespBuilder } from './resp-encode.js';
import { RespError, type RespReply } from './resp-reply.js';
import { endpointError, type RedisEndpoint } from './redis-url.js';

const SCAN_COUNT = 1000;

export interface DumpBatch {
  keys: Buffer[];
  /** DUMP and PTTL replies: replies[2i] and replies[2i + 1] for keys[i]. */
  replies: RespReply[];
}

/** With exactly one include pattern the server filters (SCAN MATCH); other patterns are applied by the caller's filter. */
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

interface Pending {
  keys: Buffer[];
  scanning: boolean;
  replies: Promise<RespReply[]>;
}

function request(client: RespClient, keys: Buffer[], cursor: string, match: string | undefined): Pending {
  const builder = new RespBuilder();
  for (const key of keys) builder.command(['DUMP', key]).command(['PTTL', key]);
  const scanning = cursor !== '0';
  if (scanning) builder.command(scanCommand(cursor, match));
  const replies = client.pipelineRaw(builder.take(), keys.length * 2 + (scanning ? 1 : 0));
  replies.catch(() => undefined); // awaited below; this only covers a generator closed while it is in flight
  return { keys, scanning, replies };
}

/** Batches of the currently selected database. */
export async function* dumpBatches(client: RespClient, match: string | undefined, filter: KeyPredicate | undefined, signal?: AbortSignal): AsyncGenerator<DumpBatch> {
  const select = (found: Buffer[]): Buffer[] => (filter ? found.filter(filter) : found);
  const first = parseScanReply(client.endpoint, (await client.pipeline([scanCommand('0', match)]))[0]!);
  let pending: Pending | undefined = request(client, select(first.keys), first.cursor, match);
  while (pending) {
    if (signal?.aborted) throw new Error('aborted');
    const current: Pending = pending;
    const replies = await current.replies;
    pending = undefined;
    if (current.scanning) {
      const next = parseScanReply(client.endpoint, replies[replies.length - 1]!);
      pending = request(client, select(next.keys), next.cursor, match);
    }
    if (current.keys.length > 0) yield { keys: current.keys, replies };
  }
}
