// Which pg_dump / pg_restore / psql to run: the ones matching the server's major version. pg_dump refuses
// servers newer than itself and pg_restore refuses archives from a newer pg_dump, so a mismatch fails late
// and obscurely; finding the right binaries up front turns it into one clear message.
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand } from '../../exec/exec.js';

export type PgTool = 'psql' | 'pg_dump' | 'pg_restore';

export interface PgClients {
  /** Server major version, e.g. "15" (or "9.6" for servers before 10). */
  major: string;
  psql: string;
  pg_dump: string;
  pg_restore: string;
}

/** "15" from 150010; "9.6" from 90624. */
export function majorFromVersionNum(versionNum: number): string {
  if (!Number.isInteger(versionNum) || versionNum <= 0) throw new Error(`unexpected server_version_num ${versionNum}`);
  return versionNum >= 100_000 ? String(Math.floor(versionNum / 10_000)) : `${Math.floor(versionNum / 10_000)}.${Math.floor(versionNum / 100) % 100}`;
}

/** "15" from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"; "9.6" from "… 9.6.24". */
export function majorFromToolVersion(output: string): string | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first >= 10 ? String(first) : `${first}.${match[2] ?? '0'}`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Directories where distributions keep one PostgreSQL version's client binaries. */
export function versionedBinDirs(major: string): string[] {
  return [`/usr/lib/postgresql/${major}/bin`, `/usr/pgsql-${major}/bin`, `/opt/homebrew/opt/postgresql@${major}/bin`, `/usr/local/opt/postgresql@${major}/bin`];
}

function onPath(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Any psql, to ask a server its version: the one on PATH, else the newest Debian one. */
export function findAnyPsql(): string {
  const found = onPath('psql');
  if (found) return found;
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const candidate = join('/usr/lib/postgresql', version, 'bin', 'psql');
      if (isExecutable(candidate)) return candidate;
    }
  } catch {
    // no Debian layout
  }
  throw new Error('psql is not installed: install the PostgreSQL client (Debian: postgresql-client)');
}

const cache = new Map<string, Promise<PgClients>>();

async function findTool(tool: PgTool, major: string): Promise<string | undefined> {
  for (const dir of versionedBinDirs(major)) {
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  const fallback = onPath(tool);
  if (!fallback) return undefined;
  try {
    const { stdout } = await runCommand(fallback, ['--version'], { timeoutMs: 10_000 });
    return majorFromToolVersion(stdout) === major ? fallback : undefined;
  } catch {
    return undefined;
  }
}

/** The client binaries for a server major version; throws naming the version and the package when missing. */
export function resolvePgClients(major: string): Promise<PgClients> {
  let pending = cache.get(major);
  if (!pending) {
    pending = (async () => {
      const tools: PgTool[] = ['psql', 'pg_dump', 'pg_restore'];
      const found = await Promise.all(tools.map((tool) => findTool(tool, major)));
      const missing = tools.filter((_, i) => found[i] === undefined);
      if (missing.length > 0) {
        throw new Error(
          `the server runs PostgreSQL ${major} but ${missing.join(', ')} ${major} ${missing.length === 1 ? 'is' : 'are'} not installed: ` +
            `install postgresql-client-${major} (Debian/Ubuntu, from apt.postgresql.org for versions your release lacks) ` +
            `or put version ${major} of the tools in /usr/lib/postgresql/${major}/bin or on PATH`,
        );
      }
      return { major, psql: found[0]!, pg_dump: found[1]!, pg_restore: found[2]! };
    })();
    pending.catch(() => cache.delete(major));
    cache.set(major, pending);
  }
  return pending;
}
