// Copy a committed backup to another tier: the artifact is streamed through a sha256/size check against
// the manifest, so a corrupt source never becomes a committed copy; the manifest follows last. Tiers on the
// same S3 endpoint copy server-side, and the copy is then read back through the same check.
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
    const expected = { sha256: manifest.sha256, bytes: manifest.size };
    if (to.copyFrom && (await to.copyFrom(from, key, manifest.size))) {
      // Copied server-side (same S3 endpoint): nothing passed through the verifier, so read the copy back.
      const check = chainStreams(await to.get(key), [createVerifier(expected, `${key} copied to tier ${toTier}`)]);
      for await (const chunk of check) void chunk;
    } else {
      const verified = chainStreams(await from.get(key), [createVerifier(expected, `${key} on tier ${entry.tier}`)]);
      await to.put(key, verified, { size: manifest.size });
    }
    await to.put(manifestKey(dir), manifestStream(manifest));
  } catch (error) {
    await removeQuietly(to, dir);
    throw new Error(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
  return { tier: toTier, dir, manifest };
}
