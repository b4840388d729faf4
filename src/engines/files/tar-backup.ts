// Backup side of the files engine: a tar stream of the source paths (see tar-pack.ts).
// Entry names are absolute paths without the leading '/', like GNU tar, so `tar -xpf - -C /restore`
// recreates /restore/srv/uploads/…; modes, mtimes, owners and symlinks (never followed) are kept.
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { FilesSource } from '../../generated/policy.js';
import type { BackupRequest, EngineBackup } from '../engine.js';
import { countEntry, emptyFileStats, toSourceStats } from './file-stats.js';
import { createEntryFilter } from './path-filter.js';
import { packTree } from './tar-pack.js';

export function filesSourceOf(request: Pick<BackupRequest, 'name' | 'source'>): FilesSource {
  if (request.source.type !== 'files') {
    throw new Error(`source "${request.name}" is of type ${request.source.type}, not files`);
  }
  return request.source;
}

interface Root {
  path: string;
}

/** Absolute, de-duplicated roots; a root nested in another is already covered by it. */
async function resolveRoots(name: string, source: FilesSource, resolveSecret: (v: string) => string): Promise<Root[]> {
  const roots: Root[] = [];
  for (const raw of source.paths) {
    const path = resolve(raw.includes('${') ? resolveSecret(raw) : raw);
    if (path === '/') throw new Error(`files source "${name}": backing up / as a whole is not supported; list the directories to protect`);
    try {
      await lstat(path);
      roots.push({ path });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`files source "${name}": path ${path} does not exist`, { cause: error });
      throw new Error(`files source "${name}": cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  const unique = roots.filter((r, i) => roots.findIndex((o) => o.path === r.path) === i);
  return unique.filter((r) => !unique.some((o) => o.path !== r.path && r.path.startsWith(`${o.path}/`)));
}

export async function backupFiles(request: BackupRequest): Promise<EngineBackup> {
  const source = filesSourceOf(request);
  const roots = await resolveRoots(request.name, source, request.resolveSecret);
  const exclude = [...(source.exclude ?? []), ...(request.data.exclude ?? [])];
  const accepts = createEntryFilter(
    roots.map((r) => r.path.slice(1)),
    exclude,
    request.data.include ?? [],
  );
  const stats = emptyFileStats();
  const tar = packTree({
    label: `files source "${request.name}"`,
    roots,
    accepts,
    onEntry: (type, size) => countEntry(stats, type, size),
    onSkip: (path, reason) => {
      stats.skipped += 1;
      request.onWarning?.(`files source "${request.name}": skipped ${path}: ${reason}`);
    },
    signal: request.signal,
  });

  // The stream errors (never ends cleanly) when the archive is incomplete; errors name the source.
  const done = finished(tar).then(() => toSourceStats(stats));
  // Consumers await `done`; this guard keeps an unobserved rejection from crashing the process.
  done.catch(() => undefined);
  request.signal?.addEventListener('abort', () => tar.destroy(new Error('backup aborted')), { once: true });
  return { stream: tar, done };
}
