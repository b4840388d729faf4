// The Redis engine. Two modes, two formats that standard tools open:
// - rdb: the server's own RDB snapshot over the replication protocol (format "rdb"; redis-server
//   loads it, redis-check-rdb checks it);
// - logical: SCAN + DUMP + PTTL as a RESP stream of RESTORE … REPLACE commands (format "resp";
//   `redis-cli --pipe` loads it), for managed Redis where SYNC is forbidden.
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { RedisSource, Source } from '../../generated/policy.js';
import type { SourceStats } from '../../model/manifest.js';
import { scratchServerHandle, stopScratchLeftover } from './scratch-leftover.js';
import type { BackupRequest, Engine, EngineBackup, RestoreRequest, ScratchTarget } from '../engine.js';
import { backupLogical } from './logical-backup.js';
import { restoreLogical } from './logical-restore.js';
import { backupRdb } from './rdb-backup.js';
import { isRedisUrl, restoreRdb } from './rdb-restore.js';
import { compareRedisStats } from './redis-stats.js';
import { restoreRespToFile } from './resp-file-restore.js';
import { RespError } from './resp-reply.js';
import { authenticate, RespSocket } from './resp-socket.js';
import { startScratchServer } from './scratch-server.js';
import { endpointError, restoreTargetEndpoint, sourceEndpoint } from './redis-url.js';

const PROBE_TIMEOUT_MS = 3000;

export function redisSourceOf(request: Pick<BackupRequest, 'name' | 'source'>): RedisSource {
  if (request.source.type !== 'redis') throw new Error(`source "${request.name}" is of type ${request.source.type}, not redis`);
  return request.source;
}

export function formatOfMode(source: Pick<RedisSource, 'mode'>): 'rdb' | 'resp' {
  return source.mode === 'logical' ? 'resp' : 'rdb';
}

async function backupRedis(request: BackupRequest): Promise<EngineBackup> {
  const source = redisSourceOf(request);
  const endpoint = sourceEndpoint(request.name, source, request.resolveSecret);
  return formatOfMode(source) === 'resp' ? backupLogical(request, source, endpoint) : backupRdb(request, source, endpoint);
}

/** The first bytes tell the formats apart: an RDB starts with "REDIS", a RESP stream with "*". */
async function sniffFormat(input: Readable): Promise<'rdb' | 'resp'> {
  for (;;) {
    const chunk = input.read() as Buffer | null;
    if (chunk !== null) {
      input.unshift(chunk);
      return chunk.subarray(0, 5).toString('latin1') === 'REDIS' ? 'rdb' : 'resp';
    }
    if (input.readableEnded) return 'resp';
    await Promise.race([once(input, 'readable'), once(input, 'end')]);
  }
}

async function restoreRedis(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  // A target may be a secret reference (${env:REDIS_URL}): resolve it before telling URLs from paths.
  const target = request.target.includes('${') ? request.resolveSecret(request.target) : request.target;
  const resolved = { ...request, target };
  const format = await sniffFormat(input);
  if (format === 'rdb') return restoreRdb(resolved, input);
  if (!isRedisUrl(target)) return restoreRespToFile(resolved, input);
  return restoreLogical(input, restoreTargetEndpoint(target, request), { only: request.only, replace: request.replace, signal: request.signal });
}

async function createScratchTarget(_request: BackupRequest, scratchDir: string): Promise<ScratchTarget> {
  // 256 databases: a backup may use database numbers above the default 16.
  const server = await startScratchServer({ dir: join(scratchDir, 'redis-scratch'), databases: 256 });
  const handle = scratchServerHandle(server);
  return { target: server.url, cleanup: () => server.stop(), ...(handle ? { handle } : {}) };
}

async function probeRedis(request: BackupRequest): Promise<void> {
  const source = redisSourceOf(request);
  const endpoint = sourceEndpoint(request.name, source, request.resolveSecret);
  const connection = await RespSocket.open(endpoint, { connectTimeoutMs: PROBE_TIMEOUT_MS, idleTimeoutMs: PROBE_TIMEOUT_MS, signal: request.signal });
  try {
    await authenticate(connection);
    const reply = await connection.command(['PING']);
    if (reply instanceof RespError) throw endpointError(endpoint, `PING failed: ${reply.message}`);
  } finally {
    connection.destroy();
  }
}

export const redisEngine: Engine = {
  type: 'redis',
  format: 'rdb',
  formats: ['rdb', 'resp'],
  formatFor: (source: Source) => (source.type === 'redis' ? formatOfMode(source) : 'rdb'),
  supportsIncremental: false,
  backup: backupRedis,
  restore: restoreRedis,
  compareStats: compareRedisStats,
  createScratchTarget,
  removeScratch: (_request, handle) => stopScratchLeftover(handle),
  probe: probeRedis,
};
