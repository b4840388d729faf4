// rdb mode: a point-in-time snapshot fetched over the replication protocol (rdb-sync.ts) and streamed
// out as is. On the way, the RDB is scanned (rdb-scan.ts) for the snapshot's exact key counts and the
// sample digest; if the scanner meets something it does not know, the backup still succeeds and the
// counts fall back to INFO keyspace read just before SYNC.
import { pipeline, Transform } from 'node:stream';
import type { RedisSource } from '../../generated/policy.js';
import type { SourceStats } from '../../model/manifest.js';
import type { BackupRequest, EngineBackup } from '../engine.js';
import { digestSample, KeySampler } from './key-sample.js';
import { totalKeys } from './keyspace.js';
import { RdbFormatError } from './rdb-compact.js';
import { RdbScanner, type RdbScanResult } from './rdb-scan.js';
import { fetchRdb } from './rdb-sync.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

/** A pass-through that feeds an RdbScanner; scanner trouble other than "not an RDB" only stops the scan. */
export function scanningTap(scanner: RdbScanner, onFatal: (error: Error) => Error): { tap: Transform; scanFailure: () => string | undefined } {
  let failure: string | undefined;
  const tap = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      if (failure === undefined) {
        try {
          scanner.push(chunk);
        } catch (error) {
          if (error instanceof RdbFormatError && /not an RDB/.test(error.message)) return callback(onFatal(error));
          failure = messageOf(error);
        }
      }
      callback(null, chunk);
    },
  });
  return { tap, scanFailure: () => failure };
}

/** End the scan: the result, or undefined when it could not complete (the reason is not fatal). */
export function finishScan(scanner: RdbScanner, failure: string | undefined): RdbScanResult | undefined {
  if (failure !== undefined) return undefined;
  try {
    const result = scanner.end();
    return result.complete ? result : undefined;
  } catch {
    return undefined;
  }
}

export async function backupRdb(request: BackupRequest, source: RedisSource, endpoint: RedisEndpoint): Promise<EngineBackup> {
  const patterns = [...(source.include ?? []), ...(source.exclude ?? []), ...(request.data.include ?? []), ...(request.data.exclude ?? [])];
  if (patterns.length > 0) {
    throw new Error(`redis source "${request.name}": key patterns (include/exclude) need mode: logical; an RDB snapshot always holds every key`);
  }
  const fetched = await fetchRdb(endpoint, { signal: request.signal });
  const sampler = new KeySampler();
  const scanner = new RdbScanner({ sampler });
  const { tap, scanFailure } = scanningTap(scanner, (error) => endpointError(endpoint, `the server sent something that is not an RDB (${error.message})`));
  const done = new Promise<SourceStats>((resolve, reject) => {
    pipeline(fetched.stream, tap, (error) => {
      if (error) {
        reject(error);
        return;
      }
      fetched.done.then((transfer) => {
        const scan = finishScan(scanner, scanFailure());
        if (scan) {
          resolve({ keys: scan.keys, expires: scan.expires, bytes: transfer.bytes, sample_digest: digestSample(sampler.sample) });
          return;
        }
        // Counts read just before SYNC: close to the snapshot, but not exact on a busy server.
        const counted = totalKeys(fetched.keyspace);
        resolve({ keys: counted.keys, expires: counted.expires, bytes: transfer.bytes });
      }, reject);
    });
  });
  done.catch(() => undefined);
  request.signal?.addEventListener('abort', () => tap.destroy(new Error('backup aborted')), { once: true });
  return { stream: tap, done };
}
