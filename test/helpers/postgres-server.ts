// A private PostgreSQL cluster for tests: initdb + pg_ctl in a temp dir, listening on 127.0.0.1 on a random
// free port, with a password (scram-sha-256) on the superuser. initdb refuses to run as root, so as root
// (CI) the server runs as the `postgres` OS user through runuser, in a temp dir chowned to it.
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/exec.js';
import { requireBinary } from './services.js';

/** Binaries the PostgreSQL tests need (server side and client side). */
export const POSTGRES_BINARIES = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_restore'];

export interface PostgresServer {
  host: string;
  port: number;
  /** The superuser's password (a test secret: assert it never leaks). */
  password: string;
  dir: string;
  /** postgres://postgres:<password>@127.0.0.1:<port>/<database> (or another user's credentials). */
  url(database?: string, user?: string, password?: string): string;
  /** Run SQL as the superuser; returns stdout (unaligned, tuples only). */
  psql(sql: string, database?: string): Promise<string>;
  /** Per table: row count and an md5 of all rows in a stable order. */
  tableChecksums(database: string): Promise<Record<string, { rows: number; md5: string }>>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tool(name: string): string {
  const path = requireBinary(name);
  if (!path) throw new Error(`${name} is not installed (Debian: postgresql)`);
  return path;
}

async function osUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await runCommand('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await runCommand('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

export interface StartPostgresOptions {
  password?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  const dir = await mkdtemp(join(tmpdir(), 'strata-pg-server-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  const owner = await osUser();
  if (owner) {
    await chown(dir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  const asServer = (file: string, args: string[]): Promise<unknown> =>
    owner ? runCommand('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: dir }) : runCommand(file, args, { cwd: dir });

  const port = await freePort();
  const host = '127.0.0.1';
  try {
    await asServer(tool('initdb'), ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-N', '-E', 'UTF8', '--locale=C']);
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      `-c listen_addresses=${host}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c shared_buffers=32MB',
      '-c max_connections=40',
    ].join(' ');
    await asServer(tool('pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const url = (database = 'postgres', user = 'postgres', pass = password): string =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@${host}:${port}/${encodeURIComponent(database)}`;
  const psql = async (sql: string, database = 'postgres'): Promise<string> => {
    const { stdout } = await runCommand(tool('psql'), ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', 'postgres', '-d', database], {
      input: sql,
      env: { PGPASSWORD: password, PGPASSFILE: undefined, PGSERVICE: undefined },
      secrets: [password],
    });
    return stdout;
  };
  return {
    host,
    port,
    password,
    dir,
    url,
    psql,
    tableChecksums: async (database) => {
      const out = await psql(
        `SELECT coalesce(json_object_agg(n.nspname || '.' || c.relname, json_build_object(
           'rows', (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint,
           'md5', (xpath('/row/m/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, E''\\n'' ORDER BY t::text), '''')) AS m FROM ONLY %I.%I t', n.nspname, c.relname), false, true, '')))[1]::text)), '{}')
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%';`,
        database,
      );
      return JSON.parse(out.trim()) as Record<string, { rows: number; md5: string }>;
    },
    stop: async () => {
      try {
        await asServer(tool('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
