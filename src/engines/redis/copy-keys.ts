// Copy keys between two servers with DUMP + PTTL / RESTORE … REPLACE, pipelined in batches: how an
// RDB reaches a redis:// target (a scratch redis-server loads the RDB, then its keys are copied).
import type { DbMapper } from './db-map.js';
import type { KeyPredicate } from './key-pattern.js';
import { dumpBatches } from './dump-batches.js';
import { quoteKey } from './logical-backup.js';
import { explainRestoreError } from './restore-errors.js';
import type { RespClient } from './resp-client.js';
import { RespBuilder } from './resp-encode.js';
import { RespError, type RespReply } from './resp-reply.js';
import { endpointError } from './redis-url.js';

export interface CopyCounts {
  keys: number;
  expires: number;
  bytes: number;
}

/**
 * Copy the keys of `dbs` from one server to another. Reading the next batch from `from` overlaps
 * with `to` restoring the current one.
 */
export async function copyKeys(
  from: RespClient,
  to: RespClient,
  dbs: readonly number[],
  mapDb: DbMapper,
  filter: KeyPredicate | undefined,
  signal?: AbortSignal,
): Promise<CopyCounts> {
  const counts: CopyCounts = { keys: 0, expires: 0, bytes: 0 };
  let writing: { replies: Promise<RespReply[]>; keys: Buffer[] } | undefined;
  const settle = async (): Promise<void> => {
    if (!writing) return;
    const { replies, keys } = writing;
    writing = undefined;
    (await replies).forEach((reply, i) => {
      if (reply instanceof RespError) throw endpointError(to.endpoint, `RESTORE of key ${quoteKey(keys[i]!)} failed: ${explainRestoreError(reply.message)}`);
    });
  };
  try {
    for (const db of dbs) {
      await from.select(db);
      await settle();
      await to.select(mapDb(db));
      for await (const { keys, replies } of dumpBatches(from, undefined, filter, signal)) {
        const write = new RespBuilder();
        const written: Buffer[] = [];
        keys.forEach((key, i) => {
          const payload = replies[2 * i];
          const ttl = replies[2 * i + 1];
          if (!Buffer.isBuffer(payload) || typeof ttl !== 'number' || ttl === -2) return; // expired meanwhile
          write.command(['RESTORE', key, ttl > 0 ? ttl : 0, payload, 'REPLACE']);
          written.push(key);
          counts.keys += 1;
          counts.bytes += payload.length;
          if (ttl > 0) counts.expires += 1;
        });
        await settle();
        const pending = to.pipelineRaw(write.take(), written.length);
        pending.catch(() => undefined);
        writing = { replies: pending, keys: written };
      }
    }
    await settle();
  } finally {
    writing?.replies.catch(() => undefined);
  }
  return counts;
}
