// Refuse, before anything is written, a restore whose objects need roles the target server lacks. pg_dump
// holds no roles, so restoring onto a fresh server (the disaster case) would otherwise fail on `role "app"
// does not exist` — and with --single-transaction only after the data is loaded (grants run last), rolling
// it all back. The archive's table of contents sits at its head and carries every definition: the head is
// fed to `pg_restore --schema-only --file=-` (the restore's own selection), whose script is read for the
// roles it names, while the chunks it took are kept to be replayed into the real restore. pg_restore stops
// reading once it has the table of contents, so only the head (about the size of the schema) is held.
import { ExecError, spawnStream } from '../../exec/exec.js';
import type { PgClients } from './pg-clients.js';
import { cleanClientError, runOnMaintenanceDatabase, sqlLiteral } from './pg-query.js';
import { missingRolesMessage, neededRoles, RoleCollector, type RoleUses } from './pg-role-refs.js';
import type { PgSession } from './pg-session.js';
import { PeekFeed } from './stream-io.js';

/** A table of contents larger than this is not held for the check (pg_restore then names a missing role itself). */
export const MAX_HEAD_BYTES = 128 << 20;

export interface HeadScan {
  /** The roles the selected entries name; undefined when the head was too large to hold. */
  uses?: RoleUses;
  /** The whole stream again: the chunks the scan took, then the rest. */
  stream: AsyncIterable<Buffer>;
}

interface ScanContext {
  session: PgSession;
  clients: PgClients;
  signal?: AbortSignal;
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  while (head.length > 0) yield head.shift()!;
  for (;;) {
    const step = await rest.next();
    if (step.done) return;
    yield step.value;
  }
}

/** Read the roles the restore of `selection` would name from the head of `chunks`, keeping what it read. */
export async function scanRestoreRoles(context: ScanContext, target: string, where: string, selection: string[], chunks: AsyncIterable<Buffer>): Promise<HeadScan> {
  const { session, clients, signal } = context;
  const scanner = spawnStream(clients.pg_restore, ['--schema-only', ...selection, '--file=-'], { env: session.env(target), secrets: session.secrets, signal });
  const collector = new RoleCollector();
  let partial = '';
  scanner.stdout.setEncoding('utf8');
  scanner.stdout.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) collector.pushLine(line);
  });
  let exited = false;
  const done = scanner.done.finally(() => (exited = true));
  done.catch(() => undefined);
  const feed = new PeekFeed(scanner.stdin);
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let held = 0;
  try {
    while (!exited && feed.active) {
      if (held > MAX_HEAD_BYTES) {
        scanner.kill();
        await done.catch(() => undefined);
        return { stream: replay(head, iterator) };
      }
      const step = await iterator.next();
      if (step.done) break;
      head.push(step.value);
      held += step.value.length;
      await feed.feed(step.value);
    }
    feed.end();
  } catch (error) {
    scanner.kill(); // the stream itself failed: its error says why
    throw error;
  }
  try {
    await done;
  } catch (error) {
    const detail = error instanceof ExecError ? cleanClientError(error.stderr) || error.message : (error as Error).message;
    throw new Error(`${where}: cannot read the backup's table of contents (pg_restore --schema-only), nothing was written: ${detail}`, { cause: error });
  }
  if (partial !== '') collector.pushLine(partial);
  return { uses: collector.end(), stream: replay(head, iterator) };
}

/** Of `roles`, those the target server does not have (pg_roles is cluster-wide and readable by any user). */
export async function missingRoles(session: PgSession, psql: string, roles: string[], signal?: AbortSignal): Promise<Set<string>> {
  if (roles.length === 0) return new Set();
  const wanted = sqlLiteral(JSON.stringify(roles));
  const out = await runOnMaintenanceDatabase(
    session,
    psql,
    `SELECT coalesce(json_agg(r), '[]') FROM json_array_elements_text(${wanted}::json) AS r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r);\n`,
    { signal, timeoutMs: 60_000 },
  );
  return new Set(JSON.parse(out.trim()) as string[]);
}

/** Throws (naming the roles and the ways forward) when the target lacks a role the restore needs. */
export async function refuseMissingRoles(context: ScanContext, where: string, uses: RoleUses, noOwner: boolean): Promise<void> {
  const needed = neededRoles(uses, noOwner);
  const missing = await missingRoles(context.session, context.clients.psql, [...needed.keys()], context.signal);
  if (missing.size === 0) return;
  throw new Error(`${where}: ${missingRolesMessage(new Map([...needed].filter(([role]) => missing.has(role))), noOwner)}`);
}
