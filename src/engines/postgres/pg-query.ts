// One-shot SQL through psql (no driver dependency): the script goes on stdin, values on psql variables
// interpolated with :'name' (quoted by psql), results come back as one line of JSON per query.
import { ExecError, runCommand } from '../../exec/exec.js';
import { findAnyPsql, majorFromVersionNum, resolvePgClients, type PgClients } from './pg-clients.js';
import type { PgSession } from './pg-session.js';

/** psql flags for scripted use: no ~/.psqlrc, never prompt, unaligned tuples only, stop at the first error. */
export const PSQL_FLAGS = ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'];

/** The interesting part of a libpq/psql error: without the "psql: error:" prefix, on one line. */
export function cleanClientError(stderr: string): string {
  const text = stderr
    .split('\n')
    // psql running a script prefixes its errors with the script position: `psql:<stdin>:42: ERROR: …`.
    .map((line) => line.replace(/^(psql|pg_dump|pg_restore)(:<stdin>:\d+)?: (error: )?/, '').trim())
    .filter((line) => line !== '' && !/^(WARNING|NOTICE):/.test(line))
    .join('; ');
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR)} …` : text;
}

/** Errors quote SQL from the dump ("Command was: …"); a huge CREATE statement is cut short. */
const MAX_ERROR = 2000;

export interface PsqlOptions {
  /** psql variables (-v name=value); never secrets. */
  vars?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Run a psql script against `database`; resolves with stdout. Errors name host:port/database, never the password. */
export async function runPsql(session: PgSession, psql: string, database: string, script: string, options: PsqlOptions = {}): Promise<string> {
  const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['-v', `${name}=${value}`]);
  try {
    const { stdout } = await runCommand(psql, [...PSQL_FLAGS, ...vars], {
      env: session.env(database),
      input: script,
      secrets: session.secrets,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    return stdout;
  } catch (error) {
    const detail = error instanceof ExecError ? cleanClientError(error.stderr) || error.message : (error as Error).message;
    throw new Error(`${session.label}: ${session.describe(database)}: ${detail}`, { cause: error });
  }
}

/** Databases a server-level statement (CREATE / DROP DATABASE) can run from, in order of preference. */
export const MAINTENANCE_DATABASES = ['postgres', 'template1'];

/** Run a script from a maintenance database: `postgres`, else `template1`. Throws the first error when both fail. */
export async function runOnMaintenanceDatabase(session: PgSession, psql: string, script: string, options: PsqlOptions = {}): Promise<string> {
  let firstError: unknown;
  for (const database of MAINTENANCE_DATABASES) {
    try {
      return await runPsql(session, psql, database, script, options);
    } catch (error) {
      firstError ??= error;
    }
  }
  throw firstError;
}

/** The server's major version, asked with any psql; connection failures surface here first. */
export async function queryServerMajor(session: PgSession, database: string, options: PsqlOptions = {}): Promise<string> {
  const out = await runPsql(session, findAnyPsql(), database, 'SHOW server_version_num;\n', { timeoutMs: 30_000, ...options });
  return majorFromVersionNum(Number(out.trim()));
}

/** Connect, learn the server's version and find the matching client binaries. */
export async function clientsForServer(session: PgSession, database: string, options: PsqlOptions = {}): Promise<PgClients> {
  const major = await queryServerMajor(session, database, options);
  try {
    return await resolvePgClients(major);
  } catch (error) {
    throw new Error(`${session.label}: ${session.describe(database)}: ${(error as Error).message}`, { cause: error });
  }
}

/** A SQL string literal that is safe whatever standard_conforming_strings says: dollar-quoted with a free tag. */
export function sqlLiteral(value: string): string {
  let tag = 'strata';
  for (let i = 0; value.includes(`$${tag}$`); i += 1) tag = `strata${i}`;
  return `$${tag}$${value}$${tag}$`;
}
