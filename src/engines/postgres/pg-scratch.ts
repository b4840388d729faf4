// Restore tests restore into a scratch database on the source's own server, strata_restore_test_<random>
// (and strata_restore_test_<random>_<db> for multi-database backups), dropped again by cleanup().
import { randomBytes } from 'node:crypto';
import type { BackupRequest, ScratchHandle, ScratchTarget } from '../engine.js';
import { postgresSourceOf, resolveUrl, sourceLabel } from './pg-backup.js';
import { findAnyPsql } from './pg-clients.js';
import { runOnMaintenanceDatabase } from './pg-query.js';
import { withPgSession } from './pg-session.js';
import { parsePostgresUrl, replaceUrlDatabase } from './pg-url.js';

export const SCRATCH_PREFIX = 'strata_restore_test_';

export function scratchDatabaseName(random = randomBytes(5).toString('hex')): string {
  return `${SCRATCH_PREFIX}${random}`;
}

/** Drop the scratch database and its per-database variants; FORCE (PostgreSQL 13+) ends leftover sessions. */
export const DROP_SCRATCH_SQL =
  "SELECT format('DROP DATABASE IF EXISTS %I%s', datname, CASE WHEN current_setting('server_version_num')::int >= 130000 THEN ' WITH (FORCE)' ELSE '' END) " +
  "FROM pg_catalog.pg_database WHERE datname = :'db' OR left(datname, length(:'db') + 1) = :'db' || '_' \\gexec\n";

async function dropScratchDatabase(request: BackupRequest, name: string): Promise<void> {
  const source = postgresSourceOf(request);
  const label = sourceLabel(request.name);
  const url = resolveUrl(source.url, request.resolveSecret);
  await withPgSession(url, label, async (session) => {
    await runOnMaintenanceDatabase(session, findAnyPsql(), DROP_SCRATCH_SQL, { vars: { db: name }, timeoutMs: 120_000 });
  });
}

export async function createPostgresScratchTarget(request: BackupRequest): Promise<ScratchTarget> {
  const source = postgresSourceOf(request);
  const url = resolveUrl(source.url, request.resolveSecret);
  const name = scratchDatabaseName();
  const { host, port } = parsePostgresUrl(url, sourceLabel(request.name));
  return {
    target: replaceUrlDatabase(url, name),
    cleanup: () => dropScratchDatabase(request, name),
    handle: { description: `scratch databases ${name}* on ${host}:${port}`, data: { database: name } },
  };
}

/** Drop the scratch databases an interrupted restore test left; only names with the scratch prefix. */
export async function removePostgresScratch(request: BackupRequest, handle: ScratchHandle): Promise<void> {
  const name = handle.data.database;
  if (!name?.startsWith(SCRATCH_PREFIX)) throw new Error(`not a scratch database name: ${JSON.stringify(name)}`);
  await dropScratchDatabase(request, name);
}
