// A small deterministic sample of keys and a digest of their values, for restore tests. The sample is
// the K keys (without TTL: those may expire before a restore test) with the smallest hash of (db, key):
// the same keys are picked from a backup and from its restore, whatever the scan order. Values are
// summarised as a restored server reports them: a string's sha256, a collection's cardinality.
import { createHash } from 'node:crypto';

export const SAMPLE_SIZE = 32;

export type ValueType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export type ValueSummary = { type: 'string'; sha256: string } | { type: Exclude<ValueType, 'string'>; count: number } | { type: 'none' };

export interface SampledKey {
  hash: number;
  db: number;
  key: Buffer;
  summary: ValueSummary;
}

/** FNV-1a over db and key bytes, with murmur3's finaliser so nearby keys spread over the whole range. */
export function hashKey(db: number, key: Buffer, start = 0, end = key.length): number {
  let h = (0x811c9dc5 ^ db) >>> 0;
  h = Math.imul(h, 0x01000193);
  for (let i = start; i < end; i += 1) {
    h ^= key[i]!;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function compareKeys(hash: number, db: number, key: Buffer, other: SampledKey): number {
  if (hash !== other.hash) return hash < other.hash ? -1 : 1;
  if (db !== other.db) return db < other.db ? -1 : 1;
  return Buffer.compare(key, other.key);
}

export class KeySampler {
  private readonly entries: SampledKey[] = [];

  constructor(private readonly size = SAMPLE_SIZE) {}

  /** Whether this key would enter the sample; when true, call add() with its summary (or skip it if ineligible). */
  wants(db: number, key: Buffer): boolean {
    const hash = hashKey(db, key);
    if (this.entries.length < this.size) return true;
    return compareKeys(hash, db, key, this.entries[this.entries.length - 1]!) < 0;
  }

  /** wants() for the key bytes buf[start, end), without slicing them out first. */
  wantsRange(db: number, buf: Buffer, start: number, end: number): boolean {
    if (this.entries.length < this.size) return true;
    const worst = this.entries[this.entries.length - 1]!;
    const hash = hashKey(db, buf, start, end);
    if (hash !== worst.hash) return hash < worst.hash;
    return compareKeys(hash, db, buf.subarray(start, end), worst) < 0;
  }

  add(db: number, key: Buffer, summary: ValueSummary): void {
    const hash = hashKey(db, key);
    const entry: SampledKey = { hash, db, key: Buffer.from(key), summary };
    let at = this.entries.length;
    while (at > 0 && compareKeys(hash, db, key, this.entries[at - 1]!) < 0) at -= 1;
    if (at > 0 && compareKeys(hash, db, key, this.entries[at - 1]!) === 0) {
      this.entries[at - 1] = entry; // the same key again (a later RESTORE of it wins, as on the server)
      return;
    }
    this.entries.splice(at, 0, entry);
    if (this.entries.length > this.size) this.entries.pop();
  }

  /** Drop a key from the sample (it was overwritten by an ineligible value later in the stream). */
  remove(db: number, key: Buffer): void {
    const index = this.entries.findIndex((e) => e.db === db && e.key.equals(key));
    if (index >= 0) this.entries.splice(index, 1);
  }

  get sample(): readonly SampledKey[] {
    return this.entries;
  }
}

function describeSummary(summary: ValueSummary): string {
  if (summary.type === 'none') return 'none';
  if (summary.type === 'string') return `string:${summary.sha256}`;
  return `${summary.type}:${summary.count}`;
}

/** A 48-bit number (safe in JSON) identifying the sampled keys and their value summaries. */
export function digestSample(entries: readonly Pick<SampledKey, 'db' | 'key' | 'summary'>[]): number {
  const hash = createHash('sha256');
  for (const entry of entries) {
    hash.update(`${entry.db}\n${entry.key.length}\n`);
    hash.update(entry.key);
    hash.update(`\n${describeSummary(entry.summary)}\n`);
  }
  return parseInt(hash.digest('hex').slice(0, 12), 16);
}

export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
