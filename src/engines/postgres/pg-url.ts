// postgres:// URLs → connection parameters. The password is split off here and travels only through a
// 0600 passfile (see pg-session.ts); every other parameter becomes a libpq environment variable, so
// nothing about the connection reaches argv. Errors never quote the URL (it may hold the password).
import { userInfo } from 'node:os';

export interface PgConnection {
  host?: string;
  port?: string;
  user?: string;
  password?: string;
  database?: string;
  /** libpq environment variables for the URL's query parameters (PGSSLMODE, PGCONNECT_TIMEOUT …). */
  params: Record<string, string>;
}

/** URL query parameters Strata passes on to libpq, and the environment variable each one becomes. */
const QUERY_PARAMS: Record<string, string> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  user: 'PGUSER',
  dbname: 'PGDATABASE',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslcrl: 'PGSSLCRL',
  sslcompression: 'PGSSLCOMPRESSION',
  sslsni: 'PGSSLSNI',
  requiressl: 'PGREQUIRESSL',
  gssencmode: 'PGGSSENCMODE',
  krbsrvname: 'PGKRBSRVNAME',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
  load_balance_hosts: 'PGLOADBALANCEHOSTS',
  channel_binding: 'PGCHANNELBINDING',
  require_auth: 'PGREQUIREAUTH',
};

/** Every libpq variable Strata sets or clears in a child's environment: nothing leaks in from the parent's. */
export const MANAGED_PG_ENV = [
  'PGHOST',
  'PGPORT',
  'PGUSER',
  'PGDATABASE',
  'PGPASSWORD',
  'PGPASSFILE',
  'PGSERVICE',
  'PGSERVICEFILE',
  ...new Set(Object.values(QUERY_PARAMS)),
];

function decode(part: string, what: string, label: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`${label}: the URL's ${what} is not valid percent-encoding`);
  }
}

/** Parse a postgres:// or postgresql:// URL. `label` prefixes errors, e.g. `postgres source "app-db"`. */
export function parsePostgresUrl(url: string, label: string): PgConnection {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new Error(`${label}: the URL must start with postgres:// or postgresql://${scheme ? ` (got ${scheme}://)` : ''}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new Error(`${label}: the URL is not a valid postgres:// URL`);
  }
  const connection: PgConnection = { params: {} };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host !== '') connection.host = decode(host, 'host', label);
  if (parsed.port !== '') connection.port = parsed.port;
  if (parsed.username !== '') connection.user = decode(parsed.username, 'user name', label);
  if (parsed.password !== '') connection.password = decode(parsed.password, 'password', label);
  const path = parsed.pathname.replace(/^\//, '');
  if (path.includes('/')) throw new Error(`${label}: the URL's path must be a single database name`);
  if (path !== '') connection.database = decode(path, 'database name', label);
  for (const [key, value] of parsed.searchParams) {
    if (key === 'password') {
      connection.password = value;
      continue;
    }
    const variable = QUERY_PARAMS[key];
    if (!variable) throw new Error(`${label}: the URL parameter "${key}" is not supported (supported: ${Object.keys(QUERY_PARAMS).join(', ')})`);
    if (key === 'host') connection.host = value;
    else if (key === 'port') connection.port = value;
    else if (key === 'user') connection.user = value;
    else if (key === 'dbname') connection.database = value;
    else connection.params[variable] = value;
  }
  return connection;
}

/** host:port/database for messages: never the user's password, never the whole URL. */
export function describeConnection(connection: PgConnection, database = connection.database): string {
  const host = connection.host ?? 'localhost';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `${shownHost}:${connection.port ?? '5432'}${database !== undefined ? `/${database}` : ''}`;
}

/** The same URL with another database in its path (for scratch targets and per-database restores). */
export function replaceUrlDatabase(url: string, database: string): string {
  const parsed = new URL(url.trim());
  parsed.pathname = `/${encodeURIComponent(database)}`;
  parsed.searchParams.delete('dbname');
  return parsed.toString();
}

/** The database a connection works in when none is named: libpq's default, the (OS) user name. */
export function defaultDatabase(connection: PgConnection): string {
  return connection.database ?? connection.user ?? userInfo().username;
}
