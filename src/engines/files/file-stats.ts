// Source stats of a files backup, counted identically on both sides (tar entries written vs. extracted),
// so a restore test can compare them with the manifest.
import type { SourceStats } from '../../model/manifest.js';

export interface FileStats {
  /** Regular files, hard links included. */
  files: number;
  dirs: number;
  symlinks: number;
  /** Bytes of regular file content. */
  bytes: number;
  /** Other entry types (devices, FIFOs) present in the archive. */
  other: number;
  /** Entries left out, with a warning saying why (sockets on backup; device nodes a restore may not create). */
  skipped: number;
}

export function emptyFileStats(): FileStats {
  return { files: 0, dirs: 0, symlinks: 0, bytes: 0, other: 0, skipped: 0 };
}

/** Count one tar entry by its type name (node-tar's names: File, Link, Directory, SymbolicLink …). */
export function countEntry(stats: FileStats, type: string | undefined, size: number): void {
  switch (type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      stats.files += 1;
      stats.bytes += size;
      return;
    case 'Link':
      stats.files += 1;
      return;
    case 'Directory':
    case 'GNUDumpDir':
      stats.dirs += 1;
      return;
    case 'SymbolicLink':
      stats.symlinks += 1;
      return;
    default:
      stats.other += 1;
  }
}

export function toSourceStats(stats: FileStats): SourceStats {
  const out: SourceStats = { files: stats.files, dirs: stats.dirs, symlinks: stats.symlinks, bytes: stats.bytes };
  if (stats.other > 0) out.other = stats.other;
  if (stats.skipped > 0) out.skipped = stats.skipped;
  return out;
}

/** Keys that describe the source but are not reproduced by a restore. */
const INFORMATIONAL = new Set(['skipped']);

export function compareFileStats(expected: SourceStats, actual: SourceStats): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].filter((k) => !INFORMATIONAL.has(k)).sort();
  const differences: string[] = [];
  for (const key of keys) {
    const want = expected[key] ?? 0;
    // A restore without root cannot create device nodes: it skips them with a warning, which is the host's
    // limit, not the backup's, so they still count as restored here.
    const got = (actual[key] ?? 0) + (key === 'other' ? (actual.skipped ?? 0) : 0);
    if (want !== got) differences.push(`${key}: expected ${want}, restored ${got}`);
  }
  return differences;
}
