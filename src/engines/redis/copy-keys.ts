// Copy keys between two servers with DUMP + PTTL / RESTORE … REPLACE, pipelined in batches: how an
// RDB reaches a redis:// target (a scratch redis-server loads the RDB, then its keys are copied).
import type { DbMapper } from './db-map.js';
import type { KeyPredicate } from './key-pattern.js';
import { parseScanReply, quoteKey, scanCommand } from './logical-backup.js';
import { explainRestoreError } from './restore-errors.js';
import type { RespClient } from './resp-client.js';
import { RespBuilder } from './resp-encode.js';
import { RespError } from './resp-reply.js';
import { endpointError } from './redis-url.js';

export interface CopyCounts {
  keys: number;
  expires: number;
  bytes: number;
}

export async function copyKeys(
  from: RespClient,
  to: RespClient,
  dbs: readonly number[],
  mapDb: DbMapper,
  filter: KeyPredicate | undefined,
  signal?: AbortSignal,
): Promise<CopyCounts> {
  const counts: CopyCounts = { keys: 0, expires: 0, bytes: 0 };
  for (const db of dbs) {
    await from.select(db);
    await to.select(mapDb(db));
    let cursor = '0';
    do {
      if (signal?.aborted) throw new Error('restore aborted');
      const scan = parseScanReply(from.endpoint, (await from.pipeline([scanCommand(cursor, undefined)]))[0]!);
      cursor = scan.cursor;
      const keys = filter ? scan.keys.filter(filter) : scan.keys;
      if (keys.length === 0) continue;
      const read = new RespBuilder();
      for (const key of keys) read.command(['DUMP', key]).command(['PTTL', key]);
      const dumped = await from.pipelineRaw(read.take(), keys.length * 2);
      const write = new RespBuilder();
      const written: Buffer[] = [];
      keys.forEach((key, i) => {
        const payload = dumped[2 * i];
        const ttl = dumped[2 * i + 1];
        if (!Buffer.isBuffer(payload) || typeof ttl !== 'number' || ttl === -2) return; // expired meanwhile
        write.command(['RESTORE', key, ttl > 0 ? ttl : 0, payload, 'REPLACE']);
        written.push(key);
        counts.keys += 1;
        counts.bytes += payload.length;
        if (ttl > 0) counts.expires += 1;
      });
      const results = await to.pipelineRaw(write.take(), written.length);
      results.forEach((reply, i) => {
        if (reply instanceof RespError) throw endpointError(to.endpoint, `RESTORE of key ${quoteKey(written[i]!)} failed: ${explainRestoreError(reply.message)}`);
      });
    } while (cursor !== '0');
  }
  return counts;
}
