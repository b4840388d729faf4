// Delete a backup: the manifest first, so an interrupted delete leaves debris (data without a manifest,
// cleaned later), never a manifest that points at missing data.
import type { CatalogEntry } from '../model/catalog.js';
import type { Storage } from '../storage/storage.js';
import { listKeys } from './backup-files.js';
import { manifestKey } from './manifest-io.js';

export async function deleteBackup(storage: Storage, entry: CatalogEntry): Promise<void> {
  const manifest = manifestKey(entry.dir);
  await storage.delete([manifest]);
  const rest = (await listKeys(storage, entry.dir)).filter((k) => k !== manifest);
  if (rest.length > 0) await storage.delete(rest);
}
