// Whether a local tier can take a backup, found out without writing: its directory exists and this user may
// write into it, or it does not exist yet and its nearest existing parent is a directory this user may write
// into (the first backup creates it). Listing alone cannot tell: an absent directory lists as empty.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LocalTierAccess {
  /** Set when backups cannot be written there. */
  error?: string;
  /** Set when the tier is usable but worth a word, e.g. that its directory does not exist yet. */
  detail?: string;
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/** ENOENT, or ENOTDIR (a file where a parent directory should be): look further up. */
function isAbsent(error: unknown): boolean {
  return codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR';
}

async function writableDirectory(path: string): Promise<string | undefined> {
  const info = await stat(path);
  if (!info.isDirectory()) return `${path} is not a directory`;
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    return `${path} is not writable by this user (${codeOf(error)})`;
  }
}

export async function checkLocalTier(root: string): Promise<LocalTierAccess> {
  try {
    const error = await writableDirectory(root);
    return error ? { error } : {};
  } catch (error) {
    if (!isAbsent(error)) return { error: `cannot read ${root} (${codeOf(error)})` };
  }
  for (let parent = dirname(root); ; parent = dirname(parent)) {
    try {
      const error = await writableDirectory(parent);
      return error
        ? { error: `${root} does not exist and cannot be created: ${error}` }
        : { detail: 'the directory does not exist yet; the first backup creates it' };
    } catch (error) {
      if (!isAbsent(error) || parent === dirname(parent)) return { error: `${root} does not exist and cannot be created (${codeOf(error)})` };
    }
  }
}
