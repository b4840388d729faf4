// Credentials and environment for libpq clients (psql, pg_dump, pg_restore). The password goes into a
// 0600 passfile in a private temp directory, named by PGPASSFILE and removed on close; everything else
// is an environment variable. argv carries no connection detail at all.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeOwnedTempDir, removeOrphanedTempDirs } from '../../exec/owned-temp-dir.js';
import { describeConnection, MANAGED_PG_ENV, parsePostgresUrl, type PgConnection } from './pg-url.js';

export type ChildEnv = Record<string, string | undefined>;

export interface PgSession {
  readonly connection: PgConnection;
  /** Prefix for messages, e.g. `postgres source "app-db"`. */
  readonly label: string;
  /** Environment for a libpq client connected to `database`. */
  env(database: string): ChildEnv;
  /** Values redacted from every error (the password and the URL). */
  readonly secrets: string[];
  /** host:port/database, for messages. */
  describe(database?: string): string;
  close(): Promise<void>;
}

/** A passfile line matching every host, port, database and user; `\` and `:` are escaped as libpq requires. */
export function passfileLine(password: string): string {
  return `*:*:*:*:${password.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`;
}

/** The child environment: every managed libpq variable is set from the URL or cleared. */
export function buildPgEnv(connection: PgConnection, database: string, passfile: string | undefined): ChildEnv {
  const env: ChildEnv = {};
  for (const name of MANAGED_PG_ENV) env[name] = undefined;
  // Without a password in the URL, the user's own ~/.pgpass or PGPASSWORD may legitimately apply.
  if (connection.password === undefined) {
    delete env.PGPASSWORD;
    delete env.PGPASSFILE;
  }
  Object.assign(env, connection.params);
  env.PGHOST = connection.host;
  env.PGPORT = connection.port;
  env.PGUSER = connection.user;
  env.PGDATABASE = database;
  env.PGAPPNAME ??= 'strata';
  // libpq waits for the OS TCP timeout (minutes) by default; a dead host should fail fast.
  env.PGCONNECT_TIMEOUT ??= '10';
  if (passfile !== undefined) env.PGPASSFILE = passfile;
  return env;
}

const PASSFILE_DIR_PREFIX = 'strata-pg-';

export async function openPgSession(url: string, label: string): Promise<PgSession> {
  const connection = parsePostgresUrl(url, label);
  let dir: string | undefined;
  let passfile: string | undefined;
  if (connection.password !== undefined) {
    // A killed Strata cannot remove its passfile (0600, this user only): the next session does.
    await removeOrphanedTempDirs(PASSFILE_DIR_PREFIX);
    dir = await makeOwnedTempDir(PASSFILE_DIR_PREFIX);
    passfile = join(dir, 'pgpass');
    await writeFile(passfile, passfileLine(connection.password), { mode: 0o600 });
  }
  const secrets = [url, url.trim(), ...(connection.password !== undefined ? [connection.password, encodeURIComponent(connection.password)] : [])];
  return {
    connection,
    label,
    secrets,
    env: (database) => buildPgEnv(connection, database, passfile),
    describe: (database) => describeConnection(connection, database),
    close: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Run `fn` with a session, closing it (removing the passfile) however `fn` ends. */
export async function withPgSession<T>(url: string, label: string, fn: (session: PgSession) => Promise<T>): Promise<T> {
  const session = await openPgSession(url, label);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
