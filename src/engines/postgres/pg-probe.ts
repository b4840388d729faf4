// Source health for `plan`: connect to every database the source dumps (a SHOW query, short timeouts) and
// check that client binaries matching the server's version are installed. Errors name host:port/db only.
import type { BackupRequest } from '../engine.js';
import { databasesOf, postgresSourceOf, resolveUrl, sourceLabel } from './pg-backup.js';
import { clientsForServer } from './pg-query.js';
import { withPgSession } from './pg-session.js';

export const PROBE_TIMEOUT_MS = 15_000;

export async function probePostgres(request: BackupRequest): Promise<void> {
  const source = postgresSourceOf(request);
  const label = sourceLabel(request.name);
  const url = resolveUrl(source.url, request.resolveSecret);
  await withPgSession(url, label, async (session) => {
    for (const database of databasesOf(source, url, label)) {
      await clientsForServer(session, database, { timeoutMs: PROBE_TIMEOUT_MS, signal: request.signal });
    }
  });
}
