// Where a MongoDB restore writes: the target URI's database path decides the database names.
//   mongodb://host/            every database keeps its name;
//   mongodb://host/db2         the restored database is renamed to db2 (the selection, after --only,
//                              must come from one source database: `--only db1` or `--only db1.coll`);
//   mongodb://host/restored_*  each database db is restored as restored_db (`*` stands for the name).
// `/admin` renames nothing (see mongo-uri.ts). Database names are checked before anything is written.
import { createHash } from 'node:crypto';
import { AUTH_ONLY_DATABASE, formatMongoUri, parseMongoUri, withoutDatabase } from './mongo-uri.js';

/** MongoDB's limit on database names, in bytes. */
export const MAX_DATABASE_NAME_BYTES = 63;
const FORBIDDEN_IN_DATABASE = /[/\\. "$\0]/;

export interface RestoreTarget {
  /** URI to connect with: no database path; the path's authentication meaning kept as `authSource`. */
  connectUri: string;
  /** The database name or `*` template from the path; undefined keeps the original names. */
  template?: string;
}

export function parseRestoreTarget(raw: string): RestoreTarget {
  const uri = parseMongoUri(raw);
  const path = uri.database;
  if (path === undefined || path === AUTH_ONLY_DATABASE) return { connectUri: formatMongoUri(uri) };
  const isTemplate = path.includes('*');
  // A template is never a real database, so it cannot be the authentication database either.
  const connect = withoutDatabase(uri, { keepAuthFromPath: !isTemplate });
  if (!isTemplate) checkDatabaseName(path);
  return { connectUri: formatMongoUri(connect), template: path };
}

export function checkDatabaseName(name: string): void {
  if (name === '') throw new Error('a database name cannot be empty');
  const bad = FORBIDDEN_IN_DATABASE.exec(name);
  if (bad) throw new Error(`database name "${name}" contains "${bad[0]}", which MongoDB does not allow`);
  if (Buffer.byteLength(name) > MAX_DATABASE_NAME_BYTES) {
    throw new Error(`database name "${name}" is longer than ${MAX_DATABASE_NAME_BYTES} bytes`);
  }
}

/**
 * Target database for `source` under a `*` template. When the result would exceed MongoDB's limit,
 * the name part becomes `h` + 10 hex digits of its sha256, so long names still restore (deterministically).
 */
export function applyTemplate(template: string, source: string): string {
  const direct = template.split('*').join(source);
  if (Buffer.byteLength(direct) <= MAX_DATABASE_NAME_BYTES) return direct;
  return template.split('*').join(`h${createHash('sha256').update(source).digest('hex').slice(0, 10)}`);
}

/** Source database → target database, for every database that will be restored. Throws before any write. */
export function mapDatabases(template: string | undefined, sources: readonly string[]): Map<string, string> {
  const unique = [...new Set(sources)].sort();
  const mapping = new Map<string, string>();
  if (template === undefined) {
    for (const db of unique) mapping.set(db, db);
    return mapping;
  }
  if (!template.includes('*')) {
    if (unique.length > 1) {
      throw new Error(
        `the target names one database (${template}) but the selection holds ${unique.length} databases (${unique.join(', ')}); ` +
          `restore one of them with --only <db>, or use a template such as /restored_* to keep them apart`,
      );
    }
    for (const db of unique) mapping.set(db, template);
    return mapping;
  }
  const seen = new Map<string, string>();
  for (const db of unique) {
    const target = applyTemplate(template, db);
    checkDatabaseName(target);
    const clash = seen.get(target);
    if (clash !== undefined) throw new Error(`databases ${clash} and ${db} would both be restored into ${target}`);
    seen.set(target, db);
    mapping.set(db, target);
  }
  return mapping;
}

/**
 * A scratch target on the source's server for restore tests: every database is restored as
 * `<prefix><db>`. Credentials and the authentication database of the source are kept.
 */
export function scratchTargetUri(sourceUri: string, prefix: string): string {
  const uri = parseMongoUri(sourceUri);
  return formatMongoUri({ ...withoutDatabase(uri), database: `${prefix}*` });
}
