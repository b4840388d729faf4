// Copy keys between two servers with DUMP + PTTL / RESTORE … REPLACE, pipelined in batches: how an
// RDB reaches a redis:// target (a scratch redis-server loads the RDB, then its keys are copied).
import type { Redis } from 'ioredis';
import type { DbMapper } from './db-map.js';
import type { KeyPredicate } from './key-pattern.js';
import { explainRestoreError } from './logical-restore.js';
import { quoteKey } from './logical-backup.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

const BATCH = 1000;

export interface CopyCounts {
  keys: number;
  expires: number;
  bytes: number;
}

export async function copyKeys(
  from: Redis,
  to: Redis,
  target: RedisEndpoint,
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
      const [next, found] = (await from.callBuffer('SCAN', cursor, 'COUNT', BATCH)) as [Buffer, Buffer[]];
      cursor = next.toString('latin1');
      const keys = filter ? found.filter(filter) : found;
      if (keys.length === 0) continue;
      const read = from.pipeline();
      for (const key of keys) read.dumpBuffer(key).pttl(key);
      const dumped = (await read.exec()) ?? [];
      const write = to.pipeline();
      const written: Buffer[] = [];
      keys.forEach((key, i) => {
        const [, payload] = dumped[2 * i] ?? [];
        const [, ttl] = dumped[2 * i + 1] ?? [];
        if (!Buffer.isBuffer(payload) || typeof ttl !== 'number' || ttl === -2) return; // expired meanwhile
        write.callBuffer('RESTORE', key, ttl > 0 ? ttl : 0, payload, 'REPLACE');
        written.push(key);
        counts.keys += 1;
        counts.bytes += payload.length;
        if (ttl > 0) counts.expires += 1;
      });
      const results = (await write.exec()) ?? [];
      results.forEach(([error], i) => {
        if (error) throw endpointError(target, `RESTORE of key ${quoteKey(written[i]!)} failed: ${explainRestoreError(messageOf(error))}`);
      });
    } while (cursor !== '0');
  }
  return counts;
}
