// Temp directories that name their owner: `<prefix><pid>-XXXXXX`. A SIGKILLed Strata cannot clean up
// after itself (a passfile, an RDB copy of production data, a scratch server's files), so the next
// process that uses the same prefix removes the directories of this user whose owner is gone.
import { lstat, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from '../backup/remove-tree.js';
import { isProcessAlive } from './process-alive.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function makeOwnedTempDir(prefix: string, root = tmpdir()): Promise<string> {
  return mkdtemp(join(root, `${prefix}${process.pid}-`));
}

/** The pid a directory name made by makeOwnedTempDir(prefix) belongs to, or undefined for other names. */
export function ownerOfTempDir(prefix: string, name: string): number | undefined {
  const match = new RegExp(`^${escapeRegExp(prefix)}(\\d+)-[A-Za-z0-9]{6}$`).exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface OrphanSweep {
  root?: string;
  /** Runs before a directory is removed, e.g. to stop a server still running in it. */
  beforeRemove?: (dir: string) => Promise<void>;
}

/** Remove this user's `<prefix><pid>-*` directories whose process is gone; returns what was removed. */
export async function removeOrphanedTempDirs(prefix: string, sweep: OrphanSweep = {}): Promise<string[]> {
  const root = sweep.root ?? tmpdir();
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = ownerOfTempDir(prefix, name);
    if (pid === undefined || pid === process.pid || isProcessAlive(pid)) continue;
    const dir = join(root, name);
    const info = await lstat(dir).catch(() => undefined);
    if (!info?.isDirectory() || info.uid !== process.getuid?.()) continue;
    try {
      await sweep.beforeRemove?.(dir);
      await removeTree(dir);
      removed.push(dir);
    } catch {
      // Best effort: a directory that cannot go now is tried again by the next process.
    }
  }
  return removed;
}
