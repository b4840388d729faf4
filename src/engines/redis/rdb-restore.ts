// Restore an RDB backup.
// - Into a directory (or a *.rdb path): write dump.rdb there, for the guided procedure (stop the
//   server, replace dump.rdb, start it). An existing file is kept as dump.rdb.before-restore-<time>.
// - Into a redis:// URL: load the RDB in a scratch redis-server, then copy its keys into the target
//   with DUMP/RESTORE … REPLACE, keeping TTLs, optionally only the keys matching --only. With `replace`
//   the target's keys (those matching --only, when given) are removed first (clear-target.ts).
// Either way the stream is written to a file first and nothing reaches the target before the whole
// stream has been read and verified: a backup that fails its checksum leaves the target untouched.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceStats } from '../../model/manifest.js';
import type { RestoreRequest } from '../engine.js';
import { clearTarget } from './clear-target.js';
import { copyKeys } from './copy-keys.js';
import { createDbMapper } from './db-map.js';
import { digestSample, KeySampler } from './key-sample.js';
import { createKeyFilter } from './key-pattern.js';
import { parseKeyspace } from './keyspace.js';
import { finishScan, scanningTap } from './rdb-backup.js';
import { RdbScanner, type RdbScanResult } from './rdb-scan.js';
import { RespClient } from './resp-client.js';
import { startScratchServer } from './scratch-server.js';
import { stopScratchServersIn } from './scratch-leftover.js';
import { makeOwnedTempDir, removeOrphanedTempDirs } from '../../exec/owned-temp-dir.js';

const RESTORE_DIR_PREFIX = 'strata-redis-restore-';
import { digestFromServer } from './sample-read.js';
import { endpointError, messageOf, restoreTargetEndpoint, type RedisEndpoint } from './redis-url.js';
import { replyText } from './logical-backup.js';

export function isRedisUrl(target: string): boolean {
  return /^rediss?:\/\//i.test(target);
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Write the stream to `file` (fsynced), scanning it on the way; removes the file on failure. */
async function writeScanned(input: Readable, file: string, scanner: RdbScanner): Promise<{ bytes: number; scan: RdbScanResult | undefined }> {
  const { tap, scanFailure } = scanningTap(scanner, (error) => new Error(`the backup is not an RDB file (${error.message})`));
  let bytes = 0;
  tap.on('data', (chunk: Buffer) => (bytes += chunk.length));
  try {
    await pipeline(input, tap, createWriteStream(file, { mode: 0o644 }));
    const handle = await open(file, 'r');
    await handle.sync();
    await handle.close();
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  return { bytes, scan: finishScan(scanner, scanFailure()) };
}

function scanStats(scan: RdbScanResult | undefined, digest: number | undefined, bytes: number): SourceStats {
  const stats: SourceStats = { bytes };
  if (scan) {
    // The server drops keys whose TTL has passed when it loads the file: those are `expired`.
    stats.keys = scan.keys - scan.expired;
    stats.expires = scan.expires - scan.expired;
    stats.expired = scan.expired;
  }
  if (digest !== undefined) stats.sample_digest = digest;
  return stats;
}

async function restoreToFile(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  if (request.only && request.only.length > 0) {
    throw new Error('--only needs a redis:// target for an RDB backup: an RDB file cannot be filtered (restore into a scratch or live server URL instead)');
  }
  const target = resolve(request.target);
  const file = target.endsWith('.rdb') ? target : join(target, 'dump.rdb');
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.strata-tmp-${randomBytes(4).toString('hex')}`;
  const sampler = new KeySampler();
  const { bytes, scan } = await writeScanned(input, temp, new RdbScanner({ sampler, now: Date.now() }));
  if (await exists(file)) await rename(file, `${file}.before-restore-${stamp()}`);
  await rename(temp, file);
  return scanStats(scan, scan ? digestSample(sampler.sample) : undefined, bytes);
}

function loadHint(message: string, scan: RdbScanResult | undefined): string {
  if (!/RDB format version|Can't handle RDB/i.test(message)) return message;
  const from = scan?.redisVersion ? ` written by Redis ${scan.redisVersion}` : '';
  return `${message}: the backup's RDB (format version ${scan?.version ?? '?'}${from}) is newer than this host's redis-server can load; install a newer redis-server, or restore to a directory and load the file on a matching server`;
}

async function restoreToServer(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  const target: RedisEndpoint = restoreTargetEndpoint(request.target, request);
  const filter = createKeyFilter(request.only ?? []);
  // The work dir holds a full copy of the data and a server: a killed restore's are removed by the next.
  await removeOrphanedTempDirs(RESTORE_DIR_PREFIX, { beforeRemove: stopScratchServersIn });
  const work = await makeOwnedTempDir(RESTORE_DIR_PREFIX);
  try {
    const sampler = new KeySampler();
    const scanner = new RdbScanner({ sampler, now: Date.now(), select: filter ? (_db, key) => filter(key) : undefined });
    const { bytes, scan } = await writeScanned(input, join(work, 'dump.rdb'), scanner);
    const databases = scan && scan.dbs.length > 0 ? Math.max(...scan.dbs) + 1 : 16;
    const server = await startScratchServer({ dir: work, databases: Math.max(databases, 16), startTimeoutMs: 60_000 }).catch((error: unknown) => {
      throw new Error(`cannot load the RDB: ${loadHint(messageOf(error), scan)}`, { cause: error });
    });
    try {
      const from = await RespClient.connect(server.endpoint);
      try {
        const dbs = [...parseKeyspace(replyText(await from.ok(['INFO', 'keyspace']))).keys()].sort((a, b) => a - b);
        if (target.db !== undefined && dbs.length > 1) {
          throw endpointError(target, `the backup holds ${dbs.length} databases (${dbs.join(', ')}) but the target URL names database ${target.db}: restore to a URL without a database number`);
        }
        const mapDb = createDbMapper(target.db);
        const to = await RespClient.connect(target, { signal: request.signal });
        try {
          if (request.replace) await clearTarget(to, { db: target.db, filter, only: request.only }, request.signal);
          const copied = await copyKeys(from, to, dbs, mapDb, filter, request.signal);
          const stats: SourceStats = { keys: copied.keys, expires: copied.expires, bytes };
          if (scan) {
            stats.expired = Math.max(0, scan.expires - copied.expires);
            stats.sample_digest = await digestFromServer(to, sampler.sample, mapDb);
          }
          return stats;
        } finally {
          to.close();
        }
      } finally {
        from.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function restoreRdb(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  return isRedisUrl(request.target) ? restoreToServer(request, input) : restoreToFile(request, input);
}
