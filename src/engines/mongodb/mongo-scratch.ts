// Restore tests restore into scratch databases on the source's own server — every database db becomes
// `strata_restore_test_<random>_db` — and drop them all afterwards, whatever happened. Probes answer
// plan's source health with a ping under a short server selection timeout.
import { randomBytes } from 'node:crypto';
import type { BackupRequest, ScratchHandle, ScratchTarget } from '../engine.js';
import { resolveSourceUri } from './mongo-backup.js';
import { describeHosts } from './mongo-uri.js';
import { connectMongo, mongoError, PROBE_SELECTION_TIMEOUT_MS, BACKUP_SELECTION_TIMEOUT_MS } from './mongo-connection.js';
import { scratchTargetUri } from './restore-target.js';

export const SCRATCH_PREFIX = 'strata_restore_test_';

export function scratchPrefix(): string {
  return `${SCRATCH_PREFIX}${randomBytes(4).toString('hex')}_`;
}

/** Drop every database whose name starts with `prefix`. */
export async function dropScratchDatabases(uri: string, prefix: string, label: string): Promise<void> {
  const client = await connectMongo(uri, label, BACKUP_SELECTION_TIMEOUT_MS);
  try {
    const listed = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
    for (const { name } of (listed.databases ?? []) as { name: string }[]) {
      if (name.startsWith(prefix)) await client.db(name).dropDatabase();
    }
  } catch (error) {
    throw mongoError(`${label}: cannot drop the scratch databases ${prefix}*`, error, uri);
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function createMongoScratchTarget(request: BackupRequest): Promise<ScratchTarget> {
  const uri = resolveSourceUri(request);
  const prefix = scratchPrefix();
  return {
    target: scratchTargetUri(uri, prefix),
    cleanup: () => dropScratchDatabases(uri, prefix, `mongodb source "${request.name}"`),
    handle: { description: `scratch databases ${prefix}* on ${describeHosts(uri)}`, data: { prefix } },
  };
}

/** Drop the scratch databases an interrupted restore test left; only names with the scratch prefix. */
export async function removeMongoScratch(request: BackupRequest, handle: ScratchHandle): Promise<void> {
  const prefix = handle.data.prefix;
  if (!prefix?.startsWith(SCRATCH_PREFIX) || prefix.length <= SCRATCH_PREFIX.length) throw new Error(`not a scratch database prefix: ${JSON.stringify(prefix)}`);
  await dropScratchDatabases(resolveSourceUri(request), prefix, `mongodb source "${request.name}"`);
}

export async function probeMongodb(request: BackupRequest): Promise<void> {
  const uri = resolveSourceUri(request);
  const label = `mongodb source "${request.name}"`;
  const client = await connectMongo(uri, label, PROBE_SELECTION_TIMEOUT_MS);
  try {
    await client.db('admin').command({ ping: 1 });
  } catch (error) {
    throw mongoError(`${label}: ping failed`, error, uri);
  } finally {
    await client.close().catch(() => undefined);
  }
}
