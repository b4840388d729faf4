// Read managed files; an absent file reads as null.
import { readFile } from 'node:fs/promises';
import type { ObservedFiles } from '../plan/observed-model.js';

export async function readFileOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function readManagedFiles(paths: Iterable<string>): Promise<ObservedFiles> {
  const out: ObservedFiles = {};
  for (const path of [...new Set(paths)].sort()) out[path] = await readFileOrNull(path);
  return out;
}
