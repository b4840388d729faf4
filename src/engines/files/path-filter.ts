// Which filesystem entries a files backup includes. Exclude globs (picomatch) are matched against the
// path relative to the root they were found under; a matching directory is skipped with its content.
import picomatch from 'picomatch';

export interface EntryFilter {
  /** `path` is the tar entry name (absolute path without its leading '/'); `isDir` for directories. */
  (path: string, isDir: boolean): boolean;
}

export function createEntryFilter(roots: string[], exclude: string[], include: string[]): EntryFilter {
  const options = { dot: true };
  const isExcluded = exclude.length > 0 ? picomatch(exclude, options) : () => false;
  const isIncluded = include.length > 0 ? picomatch(include, options) : () => true;
  // Longest root first, so a path is judged relative to the most specific root that holds it.
  const ordered = [...roots].sort((a, b) => b.length - a.length);
  return (path, isDir) => {
    const name = path.replace(/\/+$/, '');
    const root = ordered.find((r) => name === r || name.startsWith(`${r}/`));
    if (root === undefined || name === root) return true;
    const relative = name.slice(root.length + 1);
    if (isExcluded(relative)) return false;
    // include narrows files only: directories are walked so that included files inside them are found.
    return isDir || isIncluded(relative);
  };
}

/** Whether an entry is selected by `--only` patterns: it matches, or one of its ancestors does. */
export function createOnlyMatcher(patterns: string[] | undefined): (path: string) => boolean {
  if (!patterns || patterns.length === 0) return () => true;
  const matches = picomatch(patterns.map((p) => p.replace(/^\/+/, '').replace(/\/+$/, '')), { dot: true });
  return (path) => {
    const parts = path.replace(/\/+$/, '').split('/');
    for (let i = parts.length; i > 0; i -= 1) {
      if (matches(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}
