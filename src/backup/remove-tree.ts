// Remove a scratch tree. Restored read-only directories (mode 0555) cannot be emptied by a non-root
// user, so on failure every directory is made writable first and the removal is retried.
import { chmod, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
}

export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}
