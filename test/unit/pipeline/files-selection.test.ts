// Which entries a files backup takes (exclude/include globs relative to each root) and which a restore
// writes (--only patterns), plus the stats comparison used by restore tests.
import { describe, expect, it } from 'vitest';
import { compareFileStats, countEntry, emptyFileStats, toSourceStats } from '../../../src/engines/files/file-stats.js';
import { createEntryFilter, createOnlyMatcher } from '../../../src/engines/files/path-filter.js';

describe('createEntryFilter', () => {
  const accepts = createEntryFilter(['srv/uploads', 'etc/app'], ['**/*.tmp', 'cache', '.git'], []);

  it('matches globs against the path relative to the root that holds it', () => {
    expect(accepts('srv/uploads/a/b.tmp', false)).toBe(false);
    expect(accepts('srv/uploads/b.tmp', false)).toBe(false);
    expect(accepts('srv/uploads/a/b.txt', false)).toBe(true);
    expect(accepts('etc/app/x.tmp', false)).toBe(false);
  });

  it('excludes directories (and so their content) and matches dotfiles', () => {
    expect(accepts('srv/uploads/cache', true)).toBe(false);
    expect(accepts('srv/uploads/sub/cache', true)).toBe(true); // "cache" is relative to the root, not a basename
    expect(accepts('srv/uploads/.git', true)).toBe(false);
  });

  it('never excludes a root itself', () => {
    expect(createEntryFilter(['srv/uploads'], ['**'], [])('srv/uploads', true)).toBe(true);
  });

  it('narrows files with include globs but still walks directories', () => {
    const only = createEntryFilter(['srv/uploads'], [], ['**/*.jpg']);
    expect(only('srv/uploads/a', true)).toBe(true);
    expect(only('srv/uploads/a/p.jpg', false)).toBe(true);
    expect(only('srv/uploads/a/p.png', false)).toBe(false);
  });
});

describe('createOnlyMatcher', () => {
  it('selects matches and everything under a matching directory', () => {
    const selected = createOnlyMatcher(['/srv/uploads/a/', '**/*.log']);
    expect(selected('srv/uploads/a')).toBe(true);
    expect(selected('srv/uploads/a/deep/file')).toBe(true);
    expect(selected('srv/uploads/b/file')).toBe(false);
    expect(selected('srv/x/y.log')).toBe(true);
  });

  it('selects everything without patterns', () => {
    expect(createOnlyMatcher(undefined)('anything')).toBe(true);
    expect(createOnlyMatcher([])('anything')).toBe(true);
  });
});

describe('file stats', () => {
  it('counts tar entry types the same way on both sides', () => {
    const stats = emptyFileStats();
    countEntry(stats, 'File', 10);
    countEntry(stats, 'Link', 0);
    countEntry(stats, 'Directory', 0);
    countEntry(stats, 'SymbolicLink', 0);
    expect(toSourceStats(stats)).toEqual({ files: 2, dirs: 1, symlinks: 1, bytes: 10 });
    countEntry(stats, 'FIFO', 0);
    expect(toSourceStats(stats)).toEqual({ files: 2, dirs: 1, symlinks: 1, bytes: 10, other: 1 });
  });

  it('lists every difference and ignores informational keys', () => {
    expect(compareFileStats({ files: 2, dirs: 1, bytes: 10, skipped: 3 }, { files: 2, dirs: 1, bytes: 10 })).toEqual([]);
    expect(compareFileStats({ files: 2, dirs: 1, bytes: 10 }, { files: 1, dirs: 1, bytes: 9, other: 1 })).toEqual([
      'bytes: expected 10, restored 9',
      'files: expected 2, restored 1',
      'other: expected 0, restored 1',
    ]);
  });
});
