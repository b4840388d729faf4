// Restore tests restore into a scratch database on the source's own server, strata_restore_test_<random>
// (and strata_restore_test_<random>_<db> for multi-database backups), dropped again by cleanup().
import { randomBytes } from 'node:crypto';
import type { BackupRequest, ScratchTarget } from '../engine.js';
import { postgresSourceOf, resolveUrl, sourceLabel } from './pg-backup.js';
import { findAnyPsql } from './pg-clients.js';
import { runOnMaintenanceDatabase } from './pg-query.js';
import { withPgSession } from './pg-session.js';
import { replaceUrlDatabase } from './pg-url.js';

export const SCRATCH_PREFIX = 'strata_restore_test_';

export function scratchDatabaseName(random = randomBytes(5).toString('hex')): string {
  return `${SCRATCH_PREFIX}${random}`;
}

/** Drop the scratch database and its per-database variants; FORCE (PostgreSQL 13+) ends leftover sessions. */
export const DROP_SCRATCH_SQL =
  "SELECT format('DROP DATABASE IF EXISTS %I%s', datname, CASE WHEN current_setting('server_version_num')::int >= 130000 THEN ' WITH (FORCE)' ELSE '' END) " +
  "FROM pg_catalog.pg_database WHERE datname = :'db' OR left(datname, length(:'db') + 1) = :'db' || '_' \\gexec\n";

export async function createPostgresScratchTarget(request: BackupRequest): Promise<ScratchTarget> {
  const source = postgresSourceOf(request);
  const label = sourceLabel(request.name);
  const url = resolveUrl(source.url, request.resolveSecret);
  const name = scratchDatabaseName();
  return {
    target: replaceUrlDatabase(url, name),
    cleanup: () =>
      withPgSession(url, label, async (session) => {
        await runOnMaintenanceDatabase(session, findAnyPsql(), DROP_SCRATCH_SQL, { vars: { db: name }, timeoutMs: 120_000 });
      }),
  };
}
