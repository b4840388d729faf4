// Copy a committed backup to another tier: the artifact is streamed through a sha256/size check against
// the manifest, so a corrupt source never becomes a committed copy; the manifest follows last.
import type { CatalogEntry } from '../model/catalog.js';
import { chainStreams } from '../pipeline/codecs.js';
import { createVerifier } from '../pipeline/hash-counter.js';
import type { Storage } from '../storage/storage.js';
import { removeQuietly } from './backup-files.js';
import { artifactKey, manifestKey, manifestStream } from './manifest-io.js';

export async function copyBackup(entry: CatalogEntry, from: Storage, to: Storage, toTier: string): Promise<CatalogEntry> {
  const { manifest, dir } = entry;
  const key = artifactKey(dir, manifest);
  const what = `copy of backup ${manifest.id} from tier ${entry.tier} to tier ${toTier}`;
  try {
    const verified = chainStreams(await from.get(key), [createVerifier({ sha256: manifest.sha256, bytes: manifest.size }, `${key} on tier ${entry.tier}`)]);
    await to.put(key, verified);
    await to.put(manifestKey(dir), manifestStream(manifest));
  } catch (error) {
    await removeQuietly(to, dir);
    throw new Error(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
  return { tier: toTier, dir, manifest };
}
