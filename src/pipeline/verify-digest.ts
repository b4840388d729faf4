// The raw stream a restore hands to an engine ends only when what was decoded matches the backup's
// manifest (raw_size and raw_sha256); otherwise it errors instead of ending (more bytes than expected:
// at once; fewer, or another sha256: at the very end). Engines commit what they restored (move staged
// files into place, COMMIT a transaction, swap a dataset) only after their input has *ended*, so a
// backup whose data is not the data its manifest describes never changes the target.
import type { Manifest } from '../model/manifest.js';
import { createVerifier, type HashCounter, type HashCounterOptions } from './hash-counter.js';

/** A pass-through stage for the decoded stream of `manifest`'s backup; `digest()` gives what passed so far. */
export function createRawDigestGate(manifest: Pick<Manifest, 'id' | 'raw_size' | 'raw_sha256'>, options: HashCounterOptions = {}): HashCounter {
  return createVerifier(
    { bytes: manifest.raw_size, sha256: manifest.raw_sha256 },
    `backup ${manifest.id}: the decoded stream does not match the manifest's raw_size/raw_sha256 (a damaged or substituted artifact)`,
    options,
  );
}
