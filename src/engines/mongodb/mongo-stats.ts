// Source stats of a MongoDB backup, produced identically by backup (what was dumped) and restore (what
// the target holds afterwards, keyed by the *source* namespaces even when restored under other names),
// so a restore test compares them with the manifest:
//   databases, collections, views, indexes (beyond the implicit _id index), docs,
//   docs:<db>.<coll> per collection, sample:<db>.<coll> (see sample-digest.ts).
// Informational keys describe the dump and are not reproduced by a restore.
import type { SourceStats } from '../../model/manifest.js';

/** 1 when every collection was read in one snapshot session (point-in-time consistent), else 0. */
export const SNAPSHOT_KEY = 'snapshot';
/** Snapshot sessions used: more than 1 when the dump outlived the server's snapshot history window. */
export const SNAPSHOTS_KEY = 'snapshot_sessions';
/** BSON bytes of the documents dumped. */
export const BYTES_KEY = 'bytes';

const INFORMATIONAL = new Set([SNAPSHOT_KEY, SNAPSHOTS_KEY, BYTES_KEY]);

export function docsKey(db: string, coll: string): string {
  return `docs:${db}.${coll}`;
}

export function sampleKey(db: string, coll: string): string {
  return `sample:${db}.${coll}`;
}

export class MongoStatsBuilder {
  private readonly databases = new Set<string>();
  private collections = 0;
  private views = 0;
  private indexes = 0;
  private docs = 0;
  private bytes = 0;
  private readonly perCollection = new Map<string, { docs: number; sample: number }>();

  addView(db: string): void {
    this.databases.add(db);
    this.views += 1;
  }

  addCollection(db: string, coll: string, result: { docs: number; bytes: number; sample: number; indexes: number }): void {
    this.databases.add(db);
    this.collections += 1;
    this.indexes += result.indexes;
    this.docs += result.docs;
    this.bytes += result.bytes;
    this.perCollection.set(`${db}.${coll}`, { docs: result.docs, sample: result.sample });
  }

  build(extra: SourceStats = {}): SourceStats {
    const stats: SourceStats = {
      databases: this.databases.size,
      collections: this.collections,
      views: this.views,
      indexes: this.indexes,
      docs: this.docs,
      [BYTES_KEY]: this.bytes,
      ...extra,
    };
    for (const ns of [...this.perCollection.keys()].sort()) {
      const entry = this.perCollection.get(ns)!;
      stats[`docs:${ns}`] = entry.docs;
      stats[`sample:${ns}`] = entry.sample;
    }
    return stats;
  }
}

export function compareMongoStats(expected: SourceStats, actual: SourceStats): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].filter((k) => !INFORMATIONAL.has(k)).sort();
  const differences: string[] = [];
  for (const key of keys) {
    const want = expected[key];
    const got = actual[key];
    if (want === got) continue;
    if (key.startsWith('sample:')) {
      const ns = key.slice('sample:'.length);
      if (want === undefined) differences.push(`${ns}: restored, but not in the backup`);
      else if (got === undefined) differences.push(`${ns}: in the backup, but not restored`);
      else differences.push(`${ns}: the sampled documents differ from the backup's (digest ${want}, restored ${got})`);
      continue;
    }
    differences.push(`${key}: expected ${want ?? 0}, restored ${got ?? 0}`);
  }
  return differences;
}
