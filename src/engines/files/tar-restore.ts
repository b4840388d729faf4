// Restore side of the files engine: extract a tar stream into a target directory.
// Archives are treated as untrusted: absolute paths, `..` segments, hard links leaving the archive and
// writes through a symlink (one from the archive or one already in the target) are refused with an
// error; nothing is silently stripped. Modes, mtimes and symlink targets are restored exactly.
import { chmod, lutimes, mkdir, utimes } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { extract, type ReadEntry } from 'tar';
import type { RestoreRequest } from '../engine.js';
import type { SourceStats } from '../../model/manifest.js';
import { countEntry, emptyFileStats, toSourceStats } from './file-stats.js';
import { createOnlyMatcher } from './path-filter.js';

interface DeferredMeta {
  path: string;
  mode?: number;
  atime?: Date;
  mtime?: Date;
}

class UnsafeArchiveError extends Error {}

/**
 * Refuses entries that could write outside the target: absolute paths, `..` segments, hard links that
 * leave the archive, and writes through a symlink that the archive itself created. Directory symlinks
 * that already exist in the target are the host's own layout (e.g. /srv -> /data/srv on an in-place
 * restore) and are followed, as GNU tar does.
 */
class PathGuard {
  private readonly symlinks = new Set<string>();

  check(entry: ReadEntry): void {
    const name = stripTrailingSlash(entry.path);
    this.checkName(name, 'path');
    if (entry.type === 'Link') {
      const link = stripTrailingSlash(String(entry.linkpath ?? ''));
      this.checkName(link, 'hard link target');
      this.checkAncestors(link, link.split('/').length + 1);
    }
    this.checkAncestors(name, name.split('/').length);
    if (entry.type === 'SymbolicLink') this.symlinks.add(name);
    else this.symlinks.delete(name);
  }

  private checkName(name: string, what: string): void {
    if (name === '' || isAbsolute(name) || /^[a-zA-Z]:/.test(name)) {
      throw new UnsafeArchiveError(`refusing archive entry with an absolute ${what}: "${name}"`);
    }
    if (name.split('/').includes('..')) {
      throw new UnsafeArchiveError(`refusing archive entry with ".." in its ${what}: "${name}"`);
    }
  }

  /** No proper ancestor of `name` (the first `depth - 1` components) may be a symlink from this archive. */
  private checkAncestors(name: string, depth: number): void {
    const parts = name.split('/');
    for (let i = 1; i < Math.min(parts.length + 1, depth); i += 1) {
      const prefix = parts.slice(0, i).join('/');
      if (this.symlinks.has(prefix)) {
        throw new UnsafeArchiveError(`refusing archive entry "${name}": it would be written through the symlink "${prefix}"`);
      }
    }
  }
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export async function restoreFiles(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  const target = resolve(request.target);
  await mkdir(target, { recursive: true });
  const guard = new PathGuard();
  const selected = createOnlyMatcher(request.only);
  const stats = emptyFileStats();
  const dirs: DeferredMeta[] = [];
  const fixModes: DeferredMeta[] = [];
  const symlinks: DeferredMeta[] = [];
  // Files are created with open(mode), which the umask masks; those few whose bits were masked
  // (or that carry setuid/setgid/sticky bits, which chown clears) get an explicit chmod at the end.
  const umask = process.umask();
  let failure: Error | undefined;

  const unpack = extract({
    cwd: target,
    // Path safety is enforced by PathGuard, which errors instead of silently rewriting entries; this
    // also keeps absolute symlink targets verbatim, like GNU tar.
    preservePaths: true,
    strict: true,
    chmod: true,
    processUmask: umask,
    filter: (_path: string, raw) => {
      const entry = raw as ReadEntry;
      if (failure) return false;
      try {
        guard.check(entry);
      } catch (error) {
        failure = error as Error;
        unpack.abort(failure);
        return false;
      }
      const name = stripTrailingSlash(entry.path);
      if (!selected(name)) return false;
      countEntry(stats, entry.type, entry.size ?? 0);
      const path = join(target, name);
      const mode = typeof entry.mode === 'number' ? entry.mode & 0o7777 : undefined;
      if (entry.type === 'Directory') dirs.push({ path, mode, atime: entry.atime, mtime: entry.mtime });
      else if (entry.type === 'SymbolicLink') symlinks.push({ path, atime: entry.atime, mtime: entry.mtime });
      else if (entry.type !== 'Link' && mode !== undefined && (mode & (umask | 0o7000)) !== 0) fixModes.push({ path, mode });
      return true;
    },
  });

  await new Promise<void>((resolveDone, rejectDone) => {
    let finished = false;
    const fail = (error: Error): void => {
      if (finished) return;
      finished = true;
      input.destroy();
      rejectDone(failure ?? error);
    };
    unpack.on('error', (error: Error) => fail(error));
    unpack.on('finish', () => {
      if (finished) return;
      finished = true;
      if (failure) rejectDone(failure);
      else resolveDone();
    });
    input.on('error', (error: Error) => {
      unpack.abort(error);
      fail(error);
    });
    request.signal?.addEventListener('abort', () => fail(new Error('restore aborted')), { once: true });
    input.pipe(unpack as unknown as NodeJS.WritableStream);
  });

  // Directory metadata last, deepest first: writing into a directory changes its mtime, and a
  // read-only directory must stay writable until its content is in place.
  for (const meta of fixModes) await chmod(meta.path, meta.mode ?? 0o644);
  for (const link of symlinks) {
    if (link.mtime) await lutimes(link.path, link.atime ?? link.mtime, link.mtime).catch(() => undefined);
  }
  dirs.sort((a, b) => b.path.length - a.path.length);
  for (const dir of dirs) {
    if (dir.mode !== undefined) await chmod(dir.path, dir.mode);
    if (dir.mtime) await utimes(dir.path, dir.atime ?? dir.mtime, dir.mtime);
  }
  return toSourceStats(stats);
}
