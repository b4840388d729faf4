// Best-effort removal of everything under one backup directory (failed or interrupted backups, copies).
import type { Storage } from '../storage/storage.js';

export async function listKeys(storage: Storage, dir: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(`${dir}/`)) keys.push(object.key);
  return keys;
}

/** Remove whatever exists under `dir`; never throws (the caller is already reporting a failure). */
export async function removeQuietly(storage: Storage, dir: string): Promise<void> {
  try {
    await storage.delete(await listKeys(storage, dir));
  } catch {
    // Left-overs have no manifest, so scanTier reports them as debris and the next run cleans them.
  }
}
