// A fingerprint of a collection's content for restore tests: sha256 over the raw BSON of its first
// SAMPLE_SIZE documents in `_id` order, cut to 48 bits so it fits a manifest stat (a safe integer).
// The same documents restored byte for byte give the same number; a restore that altered, lost or
// reordered fields in any of them gives another.
import { createHash, type Hash } from 'node:crypto';

export const SAMPLE_SIZE = 100;

export class SampleDigest {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  constructor(private readonly limit = SAMPLE_SIZE) {}

  get full(): boolean {
    return this.count >= this.limit;
  }

  /** Add the next document in `_id` order; documents past the limit are ignored. */
  add(doc: Uint8Array): void {
    if (this.count >= this.limit) return;
    this.hash.update(doc);
    this.count += 1;
  }

  value(): number {
    return this.hash.digest().readUIntBE(0, 6);
  }
}

export function sampleDigestOf(docs: Iterable<Uint8Array>, limit = SAMPLE_SIZE): number {
  const digest = new SampleDigest(limit);
  for (const doc of docs) digest.add(doc);
  return digest.value();
}
