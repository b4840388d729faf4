// Restore side of the PostgreSQL engine: `pg_restore --clean --if-exists --single-transaction` from stdin.
// The target database is created when missing; when it exists and the request says `replace` (in place over
// the source), the restored objects replace their current versions, all or nothing (a failure rolls the
// whole restore back); without `replace`, a target already holding those objects is refused. --only narrows the restore
// with pg_restore's own -n/-t selection; tables that already exist have their rows replaced instead (see
// startDataReload). A copy of the stream's head goes to `pg_restore --list` with the same selection, so
// the row counts returned are those of exactly the tables that were loaded. Before anything is written, the
// roles the restored objects need are checked on the target (pg-role-check.ts); `noOwner` restores without
// the dump's owners and grants (pg_restore --no-owner --no-privileges), for servers that lack those roles.
//
// Nothing commits before the whole input has been read and has ended cleanly (it errors instead when it
// does not match the manifest): pg_restore converts, psql applies in a transaction whose COMMIT is held
// back (pg-script-loader.ts). On any failure before that, the transaction rolls back, so an existing
// database keeps exactly its previous content, and a database this restore created is dropped again. A
// multi-database backup commits its databases one after another only after the whole stream was verified;
// only a failure of one of those COMMITs themselves (rare: a deferred constraint) can leave the databases
// committed before it restored and the rest untouched.
import type { Readable } from 'node:stream';
import type { SourceStats } from '../../model/manifest.js';
import { ExecError, spawnStream, type StreamingProcess } from '../../exec/exec.js';
import { startScriptLoader, type ScriptLoader } from './pg-script-loader.js';
import type { RestoreRequest } from '../engine.js';
import { DUMP_HEADER_BYTES, looksLikeCustomDump, looksLikeTar, parseDumpHeader } from './pg-archive-header.js';
import type { PgClients } from './pg-clients.js';
import { collectText } from './pg-dump-database.js';
import { readPartsTar } from './pg-parts-tar.js';
import { parseRestoreSelection, splitQualifiedName, type PartialSelection, type RestoreSelection } from './pg-patterns.js';
import { cleanClientError, clientsForServer, MAINTENANCE_DATABASES, runOnMaintenanceDatabase, runPsql, sqlLiteral } from './pg-query.js';
import { refuseMissingRoles, scanRestoreRoles } from './pg-role-check.js';
import { withMissingRoleHint } from './pg-role-refs.js';
import { withPgSession, type PgSession } from './pg-session.js';
import { countByTocSql, parseCounts, toPgStats, type DatabaseCounts } from './pg-stats.js';
import { parseTocList } from './pg-toc.js';
import { ChunkReader, PeekFeed } from './stream-io.js';

/** A libpq conninfo naming only the database (everything else, password included, comes from the env). */
export function conninfoForDatabase(database: string): string {
  return `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** pg_restore's flags for RestoreRequest.noOwner: objects owned by the connecting user, no GRANT/REVOKE. */
export const NO_OWNER_ARGS = ['--no-owner', '--no-privileges'];

/** pg_restore's arguments for a full (or schema-level) restore; the script loader adds --single-transaction --file=-. */
export function pgRestoreArgs(selection: string[], noOwner = false): string[] {
  return ['--clean', '--if-exists', ...(noOwner ? NO_OWNER_ARGS : []), ...selection];
}

/**
 * Where each database of the backup goes. The target URL's database receives a single-database backup
 * (or the one database selected from a multi-database backup); several databases restored to a URL that
 * names database D go to D_<db>; to a URL without a database, each keeps its name.
 */
export function targetDatabaseName(targetDatabase: string | undefined, sourceDatabase: string, severalDatabases: boolean): string {
  if (targetDatabase === undefined) return sourceDatabase;
  return severalDatabases ? `${targetDatabase}_${sourceDatabase}` : targetDatabase;
}

async function databaseExists(session: PgSession, psql: string, database: string): Promise<boolean> {
  const script = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = :'db');\n";
  const out = await runOnMaintenanceDatabase(session, psql, script, { vars: { db: database }, timeoutMs: 60_000 });
  return out.trim().startsWith('t');
}

/** Create the database unless it exists (it is checked again: another session may have created it since). */
async function createDatabase(session: PgSession, psql: string, database: string): Promise<void> {
  const script = "SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = :'db') \\gexec\n";
  await runOnMaintenanceDatabase(session, psql, script, { vars: { db: database }, timeoutMs: 120_000 });
}

/**
 * Drop a database this restore created, after its restore failed. Its psql has just been killed; the
 * server may still be ending that session: WITH (FORCE) (PostgreSQL 13+) ends it, older servers are retried.
 */
async function dropCreatedDatabase(context: RestoreContext, database: string): Promise<void> {
  const force = Number(context.clients.major) >= 13 ? ' WITH (FORCE)' : '';
  const script = `SELECT format('DROP DATABASE IF EXISTS %I${force}', :'db') \\gexec\n`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runOnMaintenanceDatabase(context.session, context.clients.psql, script, { vars: { db: database }, timeoutMs: 120_000 });
      return;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Relations the restore would touch that already exist (all user relations when nothing is selected). */
export function occupiedRelationsSql(selection: PartialSelection): string {
  const scope =
    selection.tables.length > 0
      ? `(n.nspname, c.relname) IN (SELECT t->>0, t->>1 FROM json_array_elements(${sqlLiteral(JSON.stringify(selection.tables.map((t) => [t.schema, t.table])))}::json) t)`
      : selection.schemas.length > 0
        ? `n.nspname IN (SELECT json_array_elements_text(${sqlLiteral(JSON.stringify(selection.schemas))}::json))`
        : "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";
  return (
    `SELECT coalesce(json_agg(name), '[]') FROM (SELECT n.nspname || '.' || c.relname AS name FROM pg_catalog.pg_class c ` +
    `JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${scope} ` +
    `AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') ` +
    `ORDER BY 1 LIMIT 5) AS x;\n`
  );
}

/**
 * A partial restore of a schema (or of its tables) needs the schema itself, which pg_restore -n does not
 * create: created in the restore's own transaction, so a failed restore leaves no empty schema behind.
 */
function createSchemasSql(schemas: string[]): string {
  return schemas.map((schema) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)};\n`).join('');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface RestoreContext {
  session: PgSession;
  clients: PgClients;
  /** Restoring over the live source (RestoreRequest.replace): existing objects may be replaced. */
  replace: boolean;
  /** RestoreRequest.noOwner: pg_restore --no-owner --no-privileges. */
  noOwner: boolean;
  signal?: AbortSignal;
}

/** Without `replace`, a restore goes into a new database or into objects that do not exist yet: never over data. */
async function refuseOccupiedTarget(context: RestoreContext, target: string, where: string, selection: PartialSelection): Promise<void> {
  const out = await runPsql(context.session, context.clients.psql, target, occupiedRelationsSql(selection), { signal: context.signal });
  const occupied = JSON.parse(out.trim()) as string[];
  if (occupied.length === 0) return;
  throw new Error(
    `${where}: the database already holds ${occupied.join(', ')}${occupied.length === 5 ? ', …' : ''}; ` +
      'restore into a new (or empty) database, or in place over the source, which replaces them after a pre-restore snapshot',
  );
}

function describeExecFailure(error: unknown): string {
  return withMissingRoleHint(error instanceof ExecError ? cleanClientError(error.stderr) || error.message : (error as Error).message);
}

/** Full (or schema-level) restore: pg_restore --clean --if-exists --single-transaction, applied by psql. */
function startRestore(context: RestoreContext, target: string, where: string, selection: PartialSelection): ScriptLoader {
  const { session, clients, signal } = context;
  return startScriptLoader({
    pgRestore: clients.pg_restore,
    psql: clients.psql,
    restoreArgs: pgRestoreArgs(selection.args, context.noOwner),
    preamble: createSchemasSql(selection.schemas),
    env: session.env(target),
    secrets: session.secrets,
    signal,
    failure: (_tool, error) =>
      new Error(`${where}: pg_restore failed, nothing was changed (the restore runs in one transaction): ${describeExecFailure(error)}`, { cause: error }),
  });
}

/**
 * Tables restored over existing ones: their rows are replaced (TRUNCATE, then the dump's COPY data) in one
 * transaction, keeping the live tables' indexes, constraints, defaults, sequences and grants. (pg_restore -t
 * with --clean would drop each table and recreate it bare: pg_restore -t restores no indexes or constraints.)
 */
function startDataReload(context: RestoreContext, target: string, where: string, selection: PartialSelection): ScriptLoader {
  const { session, clients, signal } = context;
  const tables = selection.tables.map((t) => `${quoteIdentifier(t.schema)}.${quoteIdentifier(t.table)}`).join(', ');
  // --no-owner changes nothing in data (no owners, no grants): passed along only so every pg_restore of a noOwner restore carries it.
  const noOwner = context.noOwner ? NO_OWNER_ARGS : [];
  return startScriptLoader({
    pgRestore: clients.pg_restore,
    psql: clients.psql,
    restoreArgs: ['--data-only', ...noOwner, ...selection.args],
    preamble: `TRUNCATE TABLE ONLY ${tables};\n`,
    env: session.env(target),
    secrets: session.secrets,
    signal,
    failure: (tool, error) =>
      tool === 'pg_restore'
        ? new Error(`${where}: pg_restore failed, nothing was changed: ${describeExecFailure(error)}`, { cause: error })
        : new Error(`${where}: reloading ${tables} failed, nothing was changed (one transaction): ${describeExecFailure(error)}`, { cause: error }),
  });
}

/** Which of the selected tables exist in the target database. */
async function existingTables(context: RestoreContext, target: string, tables: PartialSelection['tables']): Promise<boolean[]> {
  const wanted = sqlLiteral(JSON.stringify(tables.map((t) => [t.schema, t.table])));
  const out = await runPsql(
    context.session,
    context.clients.psql,
    target,
    `SELECT json_agg(to_regclass(format('%I.%I', t->>0, t->>1)) IS NOT NULL ORDER BY n) FROM json_array_elements(${wanted}::json) WITH ORDINALITY AS a(t, n);\n`,
    { signal: context.signal },
  );
  return JSON.parse(out.trim()) as boolean[];
}

/** Whether the selected tables all exist in the (existing) target: their rows are then reloaded (startDataReload). */
async function reloadsExistingTables(context: RestoreContext, target: string, where: string, selection: PartialSelection): Promise<boolean> {
  if (selection.tables.length === 0) return false;
  const present = await existingTables(context, target, selection.tables);
  if (present.every(Boolean)) return true;
  if (present.some(Boolean)) {
    const names = (want: boolean): string => selection.tables.filter((_, i) => present[i] === want).map((t) => `${t.schema}.${t.table}`).join(', ');
    throw new Error(`${where}: some selected tables exist (${names(true)}) and some do not (${names(false)}): restore them in separate runs`);
  }
  return false;
}

/**
 * Everything is checked before the first write (CREATE DATABASE, pg_restore): occupied relations, then the
 * roles the restored objects need. A data reload of existing tables writes no owners or grants, so it needs
 * no roles. Resolves with the loader, the stream to feed it (the head read by the role check, replayed) and
 * whether this restore created the database (then a failed restore drops it again).
 */
async function startLoader(
  context: RestoreContext,
  target: string,
  where: string,
  selection: PartialSelection,
  chunks: AsyncIterable<Buffer>,
): Promise<{ loader: ScriptLoader; stream: AsyncIterable<Buffer>; created: boolean }> {
  const { session, clients } = context;
  const existed = await databaseExists(session, clients.psql, target);
  if (existed && !context.replace) await refuseOccupiedTarget(context, target, where, selection);
  if (existed && (await reloadsExistingTables(context, target, where, selection))) {
    return { loader: startDataReload(context, target, where, selection), stream: chunks, created: false };
  }
  const scan = await scanRestoreRoles(context, target, where, selection.args, chunks);
  if (scan.uses) await refuseMissingRoles(context, where, scan.uses, context.noOwner);
  if (!existed) await createDatabase(session, clients.psql, target);
  return { loader: startRestore(context, target, where, selection), stream: scan.stream, created: !existed };
}

/** A database whose part of the stream is loaded in an open transaction: committed, or abandoned. */
interface PendingDatabase {
  /** Commit, then count the loaded tables (keyed by the source database). */
  commit(): Promise<DatabaseCounts>;
  /** Roll back, and drop the database when this restore created it. */
  abort(): Promise<void>;
}

async function abandonAll(pending: readonly PendingDatabase[]): Promise<void> {
  for (const database of pending) await database.abort().catch(() => undefined);
}

/**
 * Feed one dump stream to its loader, up to the COMMIT. Resolves once the stream has ended cleanly and
 * everything but the COMMIT has been applied; the caller commits once the whole input is verified.
 */
async function loadDatabase(
  context: RestoreContext,
  target: string,
  sourceDatabase: string,
  selection: PartialSelection,
  chunks: AsyncIterable<Buffer>,
): Promise<PendingDatabase> {
  const { session, clients, signal } = context;
  const where = `${session.label}: ${session.describe(target)}`;
  const { loader, stream, created } = await startLoader(context, target, where, selection, chunks);
  const abort = async (): Promise<void> => {
    await loader.abort();
    if (created) await dropCreatedDatabase(context, target);
  };
  let lister: StreamingProcess | undefined;
  let reading = false;
  try {
    lister = spawnStream(clients.pg_restore, ['--list', ...selection.args], { env: session.env(target), secrets: session.secrets, signal });
    const toc = collectText(lister).then(parseTocList);
    toc.catch(() => undefined);
    const peek = new PeekFeed(lister.stdin);
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      reading = true;
      const step = await iterator.next();
      reading = false;
      if (step.done) break;
      await peek.feed(step.value);
      await loader.write(step.value);
    }
    peek.end();
    await loader.end();
    const summary = await toc;
    return {
      commit: async () => {
        try {
          await loader.commit();
        } catch (error) {
          await abort().catch(() => undefined);
          throw error;
        }
        const out = await runPsql(session, clients.psql, target, countByTocSql(summary.tableData), { signal });
        return { database: sourceDatabase, tables: parseCounts(out) };
      },
      abort,
    };
  } catch (error) {
    lister?.kill();
    // The input's own failure (it does not match the manifest, it is truncated) is the cause; otherwise the
    // loader's, which explains the broken pipe that stopped the copy.
    const cause = reading
      ? error
      : ((await loader.end().then(
          () => undefined,
          (e: unknown) => e,
        )) ?? error);
    await abort().catch(() => undefined);
    throw cause;
  }
}

/** `shop.public.orders` (as in the stats keys) means `public.orders` in a dump of database shop. */
export function dropDatabasePrefix(only: string[] | undefined, database: string, label: string): string[] | undefined {
  return only?.map((pattern) => {
    const parts = splitQualifiedName(pattern, label);
    const first = parts[0]!.replace(/^"(.*)"$/, '$1');
    return parts.length === 3 && first === database ? parts.slice(1).join('.') : pattern;
  });
}

async function restoreSingle(context: RestoreContext, request: RestoreRequest, reader: ChunkReader, head: Buffer): Promise<DatabaseCounts[]> {
  const header = parseDumpHeader(head);
  if (header.format !== 1) throw new Error(`${context.session.label}: the backup is a pg_dump archive in format ${header.format}, not the custom format`);
  const sourceDatabase = header.dbname ?? request.name;
  const target = context.session.connection.database ?? header.dbname;
  if (target === undefined) throw new Error(`${context.session.label}: the target URL names no database to restore into`);
  const selection = parseRestoreSelection(dropDatabasePrefix(request.only, sourceDatabase, context.session.label), false, context.session.label);
  // reader.rest() ends only once the input has: loaded means verified.
  const pending = await loadDatabase(context, target, sourceDatabase, selection.select(''), reader.rest());
  return [await pending.commit()];
}

async function restoreMulti(context: RestoreContext, request: RestoreRequest, reader: ChunkReader): Promise<DatabaseCounts[]> {
  const selection: RestoreSelection = parseRestoreSelection(request.only, true, context.session.label);
  const several = selection.databases === undefined || selection.databases.size > 1;
  const loaded: { database: string; pending: PendingDatabase }[] = [];
  // Each database's parts feed one pg_restore through a queue, so parts flow without reassembly.
  let current: { database: string; queue: AsyncQueue; result: Promise<PendingDatabase> } | undefined;
  const closeCurrent = async (): Promise<void> => {
    if (!current) return;
    current.queue.end();
    loaded.push({ database: current.database, pending: await current.result });
    current = undefined;
  };
  try {
    await readPartsTar(reader, async (database, _index, body) => {
      if (selection.databases && !selection.databases.has(database)) return;
      if (current?.database !== database) {
        await closeCurrent();
        const queue = new AsyncQueue();
        const target = targetDatabaseName(context.session.connection.database, database, several);
        const result = loadDatabase(context, target, database, selection.select(database), queue);
        result.catch((error: Error) => queue.abortProducer(error));
        current = { database, queue, result };
      }
      const active = current!;
      for await (const chunk of body) await active.queue.push(chunk);
    });
    await closeCurrent();
    for await (const rest of reader.rest()) void rest; // the rest of the end-of-archive marker
    if (selection.databases) {
      const missing = [...selection.databases].filter((d) => !loaded.some((l) => l.database === d));
      if (missing.length > 0) throw new Error(`${context.session.label}: the backup holds no database ${missing.join(', ')}`);
    }
  } catch (error) {
    if (current) {
      current.queue.fail(error as Error);
      const pending = await current.result.catch(() => undefined);
      if (pending) loaded.push({ database: current.database, pending });
    }
    await abandonAll(loaded.map((l) => l.pending));
    throw error;
  }
  // The whole stream has been read and verified: commit each database in turn.
  const counted: DatabaseCounts[] = [];
  for (const [i, { pending }] of loaded.entries()) {
    try {
      counted.push(await pending.commit());
    } catch (error) {
      await abandonAll(loaded.slice(i + 1).map((l) => l.pending));
      throw error;
    }
  }
  return counted;
}

/** A one-slot async queue between the tar reader and one database's restore (backpressure included). */
class AsyncQueue implements AsyncIterable<Buffer> {
  private slot: Buffer | undefined;
  private ended = false;
  private error: Error | undefined;
  private consumerFailure: Error | undefined;
  private wakeConsumer: (() => void) | undefined;
  private producer: { resolve: () => void; reject: (error: Error) => void } | undefined;

  /** The consumer failed: the pending and every later push reject with its error. */
  abortProducer(error: Error): void {
    this.consumerFailure = error;
    const producer = this.producer;
    this.producer = undefined;
    producer?.reject(error);
  }

  /** Resolves when the consumer has taken the chunk. */
  push(chunk: Buffer): Promise<void> {
    if (this.consumerFailure) return Promise.reject(this.consumerFailure);
    const consumed = new Promise<void>((resolve, reject) => {
      this.producer = { resolve, reject };
    });
    this.slot = chunk;
    this.wake();
    return consumed;
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: Error): void {
    this.error = error;
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.error) throw this.error;
      if (this.slot !== undefined) {
        const chunk = this.slot;
        this.slot = undefined;
        const producer = this.producer;
        this.producer = undefined;
        producer?.resolve();
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }
}

export async function restorePostgres(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  const label = `postgres restore of "${request.name}"`;
  const targetUrl = request.target.includes('${') ? request.resolveSecret(request.target) : request.target;
  return withPgSession(targetUrl, label, async (session) => {
    const reader = new ChunkReader(input);
    const head = await reader.peek(DUMP_HEADER_BYTES);
    const multi = looksLikeTar(head);
    if (!multi && !looksLikeCustomDump(head)) throw new Error(`${label}: the backup is neither a pg_dump custom-format archive nor a multi-database tar`);
    const maintenance = session.connection.database ?? MAINTENANCE_DATABASES[0]!;
    const clients = await clientsForServer(session, maintenance, { signal: request.signal }).catch(async (error: unknown) => {
      // The target database may not exist yet: ask the server's version from a maintenance database.
      if (maintenance === MAINTENANCE_DATABASES[0]) throw error;
      return clientsForServer(session, MAINTENANCE_DATABASES[0]!, { signal: request.signal });
    });
    const context: RestoreContext = { session, clients, replace: request.replace === true, noOwner: request.noOwner === true, signal: request.signal };
    const counted = multi ? await restoreMulti(context, request, reader) : await restoreSingle(context, request, reader, head);
    return toPgStats(counted);
  });
}
