// Dump one database with `pg_dump -Fc`, streaming its stdout to a sink, and count its rows in the same
// snapshot. A psql session opens a REPEATABLE READ transaction and exports its snapshot; pg_dump imports
// it (--snapshot), so both see the same data. A copy of the stream's head goes to `pg_restore -l`, whose
// TABLE DATA entries name exactly the tables in the dump; the session then counts those tables in its
// (identical) snapshot while pg_dump carries on. The transaction stays open until pg_dump has finished.
import { ExecError, spawnStream, type StreamingProcess } from '../../exec/exec.js';
import type { PgClients } from './pg-clients.js';
import { cleanClientError } from './pg-query.js';
import type { PgSession } from './pg-session.js';
import { countByOidSql, parseCounts, type DatabaseCounts } from './pg-stats.js';
import { parseTocList, type TocSummary } from './pg-toc.js';
import { PsqlSession } from './psql-session.js';
import { PeekFeed } from './stream-io.js';

export interface DumpContext {
  session: PgSession;
  clients: PgClients;
  /** pg_dump selection flags (from include/exclude). */
  filterArgs: string[];
  signal?: AbortSignal;
}

/**
 * pg_dump's own compression is off: Strata's pipeline compresses (zstd, in parallel with pg_dump), and
 * compressing twice only costs CPU. The output is still a standard custom-format archive.
 */
export function pgDumpArgs(snapshot: string, filterArgs: string[]): string[] {
  return ['--format=custom', '--compress=0', '--no-password', `--snapshot=${snapshot}`, ...filterArgs];
}

/** Collect a process's stdout as text (pg_restore -l output is small). */
export function collectText(child: StreamingProcess): Promise<string> {
  let text = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (text += chunk));
  return child.done.then(() => text);
}

function describeFailure(what: string, error: unknown): string {
  if (error instanceof ExecError) return `${what} failed: ${cleanClientError(error.stderr) || error.message}`;
  return (error as Error).message;
}

/** Dump `database` into `sink`; resolves with the per-table row counts once pg_dump has exited cleanly. */
export async function dumpDatabase(context: DumpContext, database: string, sink: (chunk: Buffer) => Promise<void>): Promise<DatabaseCounts> {
  const { session, clients, signal } = context;
  const where = `${session.label}: ${session.describe(database)}`;
  const env = session.env(database);
  const holder = PsqlSession.open(session, clients.psql, database, signal);
  let dump: StreamingProcess | undefined;
  let lister: StreamingProcess | undefined;
  try {
    const snapshot = (await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSELECT pg_catalog.pg_export_snapshot();')).trim();
    if (!/^[0-9A-Fa-f-]+$/.test(snapshot)) throw new Error(`${where}: unexpected snapshot id from pg_export_snapshot()`);

    dump = spawnStream(clients.pg_dump, pgDumpArgs(snapshot, context.filterArgs), { env, secrets: session.secrets, signal });
    dump.stdin.end();
    const dumped = dump.done.catch((error: unknown) => {
      throw new Error(`${where}: ${describeFailure('pg_dump', error)}`, { cause: error });
    });
    dumped.catch(() => undefined);

    lister = spawnStream(clients.pg_restore, ['--list'], { env, secrets: session.secrets, signal });
    const toc: Promise<TocSummary> = collectText(lister).then(parseTocList);
    toc.catch(() => undefined);
    // Counting starts as soon as the table of contents is known, concurrently with the data.
    const counts = toc.then(async (summary) => parseCounts(await holder.query(countByOidSql(summary.tableData.map((t) => t.oid)))));
    counts.catch(() => undefined);

    const peek = new PeekFeed(lister.stdin);
    for await (const chunk of dump.stdout as AsyncIterable<Buffer>) {
      await peek.feed(chunk);
      await sink(chunk);
    }
    peek.end();
    await dumped;
    let tables;
    try {
      tables = await counts;
    } catch (error) {
      throw new Error(`${where}: cannot count rows: ${describeFailure('pg_restore --list', error)}`, { cause: error });
    }
    await holder.finish('COMMIT;\n');
    return { database, tables };
  } catch (error) {
    dump?.kill();
    lister?.kill();
    holder.kill();
    // pg_dump's own message (e.g. a permission error) says more than the broken pipe it caused.
    if (dump) {
      const dumpError = await dump.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      if (dumpError instanceof ExecError && dumpError.exitCode !== undefined && !(error as Error).message.includes('pg_dump failed')) {
        const detail = cleanClientError(dumpError.stderr);
        if (detail) throw new Error(`${where}: pg_dump failed: ${detail}`, { cause: error });
      }
    }
    throw error;
  }
}
