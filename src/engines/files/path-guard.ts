// Archives are untrusted: entries that could write outside the target are refused with an error,
// never silently rewritten. Names are byte strings (see tar-entry.ts); '/' splits them exactly.
import { textOf, type TarEntryMeta } from './tar-entry.js';

export class UnsafeArchiveError extends Error {}

/**
 * Refuses absolute paths, `..` segments, hard links that leave the archive, and writes through a
 * symlink that the archive itself created. Directory symlinks that already exist in the target are the
 * host's own layout (e.g. /srv -> /data/srv on an in-place restore) and are followed, as GNU tar does.
 */
export class PathGuard {
  private readonly symlinks = new Set<string>();

  check(entry: Pick<TarEntryMeta, 'name' | 'kind' | 'linkname'>): void {
    const name = entry.name;
    this.checkName(name, 'path');
    if (entry.kind === 'link') {
      const link = entry.linkname.length > 1 ? entry.linkname.replace(/\/+$/, '') : entry.linkname;
      this.checkName(link, 'hard link target');
      this.checkAncestors(link, link.split('/').length + 1);
    }
    this.checkAncestors(name, name.split('/').length);
    // A hard link to an archive symlink is a symlink too.
    if (entry.kind === 'symlink' || (entry.kind === 'link' && this.symlinks.has(entry.linkname))) this.symlinks.add(name);
    else this.symlinks.delete(name);
  }

  private checkName(name: string, what: string): void {
    if (name === '' || name.startsWith('/') || /^[a-zA-Z]:/.test(name)) {
      throw new UnsafeArchiveError(`refusing archive entry with an absolute ${what}: "${textOf(name)}"`);
    }
    if (name.split('/').includes('..')) {
      throw new UnsafeArchiveError(`refusing archive entry with ".." in its ${what}: "${textOf(name)}"`);
    }
  }

  /** No proper ancestor of `name` (the first `depth - 1` components) may be a symlink from this archive. */
  private checkAncestors(name: string, depth: number): void {
    if (this.symlinks.size === 0) return;
    const parts = name.split('/');
    for (let i = 1; i < Math.min(parts.length + 1, depth); i += 1) {
      const prefix = parts.slice(0, i).join('/');
      if (this.symlinks.has(prefix)) {
        throw new UnsafeArchiveError(`refusing archive entry "${textOf(name)}": it would be written through the symlink "${textOf(prefix)}"`);
      }
    }
  }
}
