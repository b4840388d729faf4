// Which namespaces a MongoDB backup or restore takes. Patterns are `db` (the whole database) or
// `db.coll` (split at the first dot: database names cannot hold dots, collection names can); `*` matches
// any run of characters within its part, so `*.cache` is every `cache` collection and `app.*` is `app`.
// A namespace is selected when every non-empty include list has a matching pattern and no exclude
// pattern matches. Like mongodump: `admin`, `local` and `config` are skipped unless an include pattern
// names them literally, and `system.*` collections are skipped (except `system.js`).

export interface NamespacePattern {
  db: RegExp;
  /** Undefined for a database pattern (`db`). */
  coll?: RegExp;
  /** The database part when it has no wildcard, else undefined. */
  literalDb?: string;
}

export const SYSTEM_DATABASES: ReadonlySet<string> = new Set(['admin', 'local', 'config']);
/** Server-internal collections of `config` that mongodump never dumps. */
const CONFIG_INTERNALS: ReadonlySet<string> = new Set(['transactions', 'transaction_coordinators', 'image_collection', 'mongos']);

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

export function parseNamespacePattern(pattern: string): NamespacePattern {
  const trimmed = pattern.trim();
  if (trimmed === '') throw new Error('an empty namespace pattern matches nothing; use "db" or "db.collection"');
  const dot = trimmed.indexOf('.');
  const dbPart = dot === -1 ? trimmed : trimmed.slice(0, dot);
  const collPart = dot === -1 ? undefined : trimmed.slice(dot + 1);
  if (dbPart === '') throw new Error(`namespace pattern "${pattern}" has no database part; use "db" or "db.collection"`);
  return {
    db: globToRegExp(dbPart),
    // `db.*` means the whole database.
    coll: collPart === undefined || collPart === '*' ? undefined : globToRegExp(collPart),
    literalDb: dbPart.includes('*') ? undefined : dbPart,
  };
}

export function matchesNamespace(pattern: NamespacePattern, db: string, coll: string): boolean {
  return pattern.db.test(db) && (pattern.coll === undefined || pattern.coll.test(coll));
}

/** Whether mongodump would skip this collection as a system namespace. */
export function isSystemCollection(db: string, coll: string): boolean {
  if (coll === 'system.js') return false;
  if (coll.startsWith('system.')) return true;
  // Old-style index namespaces.
  if (coll.includes('$')) return true;
  return db === 'config' && (CONFIG_INTERNALS.has(coll) || coll.startsWith('cache.'));
}

export interface NamespaceSelector {
  /** Whether any collection of this database can be selected (to skip listing it). */
  database(db: string): boolean;
  collection(db: string, coll: string): boolean;
}

export interface SelectionSpec {
  /** Each non-empty list must match (the source's include, the category's include, a URI database …). */
  includes: (readonly string[] | undefined)[];
  excludes: (readonly string[] | undefined)[];
}

export function createNamespaceSelector(spec: SelectionSpec): NamespaceSelector {
  const includes = spec.includes.filter((list): list is readonly string[] => list !== undefined && list.length > 0).map((list) => list.map(parseNamespacePattern));
  const excludes = spec.excludes.flatMap((list) => list ?? []).map(parseNamespacePattern);
  const namedLiterally = new Set(includes.flat().flatMap((p) => (p.literalDb === undefined ? [] : [p.literalDb])));

  const database = (db: string): boolean => {
    if (SYSTEM_DATABASES.has(db) && !namedLiterally.has(db)) return false;
    if (excludes.some((p) => p.coll === undefined && p.db.test(db))) return false;
    return includes.every((list) => list.some((p) => p.db.test(db)));
  };
  return {
    database,
    collection: (db, coll) =>
      database(db) &&
      !isSystemCollection(db, coll) &&
      includes.every((list) => list.some((p) => matchesNamespace(p, db, coll))) &&
      !excludes.some((p) => matchesNamespace(p, db, coll)),
  };
}

/** `--only` at restore time: no patterns selects everything in the archive. */
export function createOnlyMatcher(patterns: readonly string[] | undefined): (db: string, coll: string) => boolean {
  if (!patterns || patterns.length === 0) return () => true;
  const parsed = patterns.map(parseNamespacePattern);
  return (db, coll) => parsed.some((p) => matchesNamespace(p, db, coll));
}
