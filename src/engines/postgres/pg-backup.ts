// Backup side of the PostgreSQL engine. One database: the raw `pg_dump -Fc` stream (format "pgdump"),
// restorable with plain pg_restore. Several databases: a tar of dump parts (format "pgdump.tar", see
// pg-parts-tar.ts), dumped one after the other, each in its own snapshot. The stream errors (never ends
// cleanly) when any dump or count fails.
import { PassThrough } from 'node:stream';
import type { PostgresSource, Source } from '../../generated/policy.js';
import type { SourceStats } from '../../model/manifest.js';
import type { BackupRequest, EngineBackup } from '../engine.js';
import { dumpDatabase, type DumpContext } from './pg-dump-database.js';
import { PartsTarWriter } from './pg-parts-tar.js';
import { dumpFilterArgs } from './pg-patterns.js';
import { clientsForServer } from './pg-query.js';
import { openPgSession } from './pg-session.js';
import { toPgStats, type DatabaseCounts } from './pg-stats.js';
import { defaultDatabase, parsePostgresUrl } from './pg-url.js';
import { writeChunk } from './stream-io.js';

export const SINGLE_FORMAT = 'pgdump';
export const MULTI_FORMAT = 'pgdump.tar';

export function postgresSourceOf(request: Pick<BackupRequest, 'name' | 'source'>): PostgresSource {
  if (request.source.type !== 'postgres') throw new Error(`source "${request.name}" is of type ${request.source.type}, not postgres`);
  return request.source;
}

export function sourceLabel(name: string): string {
  return `postgres source "${name}"`;
}

/** Resolve the URL only when it holds a reference, like the other engines. */
export function resolveUrl(url: string, resolveSecret: (value: string) => string): string {
  return url.includes('${') ? resolveSecret(url) : url;
}

/** The databases a source dumps: `databases`, else the URL's database (libpq's default when it names none). */
export function databasesOf(source: PostgresSource, url: string, label: string): string[] {
  const listed = (source.databases ?? []).filter((d) => d !== '');
  if (listed.length > 0) return [...new Set(listed)];
  return [defaultDatabase(parsePostgresUrl(url, label))];
}

export function formatForSource(source: Source): string {
  return source.type === 'postgres' && new Set(source.databases ?? []).size > 1 ? MULTI_FORMAT : SINGLE_FORMAT;
}

/** The category's include replaces the source's (it is the narrower choice); excludes add up. */
export function effectiveFilters(source: PostgresSource, data: BackupRequest['data']): { include: string[]; exclude: string[] } {
  const include = data.include && data.include.length > 0 ? data.include : (source.include ?? []);
  return { include, exclude: [...(source.exclude ?? []), ...(data.exclude ?? [])] };
}

export async function backupPostgres(request: BackupRequest): Promise<EngineBackup> {
  const source = postgresSourceOf(request);
  const label = sourceLabel(request.name);
  const url = resolveUrl(source.url, request.resolveSecret);
  const databases = databasesOf(source, url, label);
  const filterArgs = dumpFilterArgs(effectiveFilters(source, request.data), label);
  const multi = formatForSource(source) === MULTI_FORMAT;
  const session = await openPgSession(url, label);
  let context: DumpContext;
  try {
    // Connecting here, before any byte is stored, makes an unreachable server a plain, early error.
    context = { session, clients: await clientsForServer(session, databases[0]!, { signal: request.signal }), filterArgs, signal: request.signal };
  } catch (error) {
    await session.close();
    throw error;
  }

  const stream = new PassThrough({ highWaterMark: 1 << 20 });
  const write = (chunk: Buffer): Promise<void> => writeChunk(stream, chunk);
  const done = (async (): Promise<SourceStats> => {
    try {
      const counted: DatabaseCounts[] = [];
      if (multi) {
        const tar = new PartsTarWriter(write, new Date());
        for (const database of databases) {
          tar.startDatabase(database);
          counted.push(await dumpDatabase(context, database, (chunk) => tar.add(chunk)));
          await tar.endDatabase();
        }
        await tar.finish();
      } else {
        counted.push(await dumpDatabase(context, databases[0]!, write));
      }
      stream.end();
      return toPgStats(counted);
    } catch (error) {
      stream.destroy(error as Error);
      throw error;
    } finally {
      await session.close();
    }
  })();
  done.catch(() => undefined);
  return { stream, done };
}
