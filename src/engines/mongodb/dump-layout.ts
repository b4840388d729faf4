// File names of mongodump's directory layout, which the archive reproduces so `mongorestore --dir` reads
// it: `<db>/<coll>.bson` and `<db>/<coll>.metadata.json`, collection names escaped like Go's
// url.PathEscape (mongo-tools' util.EscapeCollectionName), names too long for a file shortened the way
// mongodump does, and time-series data in `<db>/system.buckets.<coll>.bson`.
import { createHash } from 'node:crypto';

/** Bytes that url.PathEscape leaves alone in a path segment (besides ASCII letters and digits). */
const SEGMENT_SAFE = new Set('-_.~$&+:=@'.split('').map((c) => c.charCodeAt(0)));

function isSafeByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || SEGMENT_SAFE.has(byte);
}

/** Go's url.PathEscape: percent-encodes every UTF-8 byte outside the path-segment-safe set. */
export function escapeCollectionName(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    out += isSafeByte(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function unescapeCollectionName(escaped: string): string {
  return decodeURIComponent(escaped);
}

/** Escaped names longer than this are shortened (so `.metadata.json.gz` still fits in 255 bytes). */
const MAX_ESCAPED = 238;
const KEEP_ESCAPED = 208;

/** The file name stem mongodump uses for a collection (escaped; shortened with a sha1 suffix when long). */
export function collectionFileStem(name: string): string {
  const escaped = escapeCollectionName(name);
  if (escaped.length <= MAX_ESCAPED) return escaped;
  const hash = createHash('sha1').update(name, 'utf8').digest('base64url');
  return `${escaped.slice(0, KEEP_ESCAPED)}%24${hash}`;
}

export type CollectionType = 'collection' | 'view' | 'timeseries';

export function metadataEntryPath(db: string, coll: string): string {
  return `${db}/${collectionFileStem(coll)}.metadata.json`;
}

/** The data file of a collection; views have none. */
export function bsonEntryPath(db: string, coll: string, type: CollectionType): string | undefined {
  if (type === 'view') return undefined;
  const stored = type === 'timeseries' ? `system.buckets.${coll}` : coll;
  return `${db}/${collectionFileStem(stored)}.bson`;
}

/** The collection that holds a collection's documents on the server (time series keep theirs in buckets). */
export function dataCollectionName(coll: string, type: CollectionType): string {
  return type === 'timeseries' ? `system.buckets.${coll}` : coll;
}

export type EntryKind = { kind: 'metadata' | 'bson'; db: string; file: string } | { kind: 'directory' | 'other' };

/** What an archive entry is, by its path (`db/file`). */
export function classifyEntry(path: string, type: string): EntryKind {
  if (type === 'Directory') return { kind: 'directory' };
  const clean = path.replace(/^\.\//, '');
  const slash = clean.indexOf('/');
  if (slash <= 0 || clean.indexOf('/', slash + 1) !== -1) return { kind: 'other' };
  const db = clean.slice(0, slash);
  const file = clean.slice(slash + 1);
  if (file.endsWith('.metadata.json')) return { kind: 'metadata', db, file };
  if (file.endsWith('.bson')) return { kind: 'bson', db, file };
  return { kind: 'other' };
}
