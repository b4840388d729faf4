// include/exclude (backup) and --only (restore) patterns → pg_dump / pg_restore selection flags.
// Backup patterns are pg_dump patterns (`schema` or `schema.table`, * and ? wildcards, unquoted names folded
// to lower case, "Quoted" names kept). pg_dump ignores -n/-N as soon as one -t is given, so when any table
// is included, schema patterns become `schema.*` table patterns instead of being silently dropped.
// Restore patterns follow pg_restore, which matches exact names and cannot qualify -t with a schema.

/** Split at dots outside double quotes: `"a.b".c` → ['"a.b"', 'c']. */
export function splitQualifiedName(pattern: string, label: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of pattern) {
    if (char === '"') quoted = !quoted;
    if (char === '.' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (quoted) throw new Error(`${label}: pattern "${pattern}" has an unclosed double quote`);
  parts.push(current);
  if (parts.some((p) => p.trim() === '')) throw new Error(`${label}: pattern "${pattern}" has an empty name part`);
  return parts;
}

export interface DumpFilters {
  include?: string[];
  exclude?: string[];
}

/** pg_dump selection flags (one `--flag=value` argument each, so a pattern can never read as an option). */
export function dumpFilterArgs(filters: DumpFilters, label: string): string[] {
  const parse = (pattern: string): string[] => {
    const parts = splitQualifiedName(pattern, label);
    if (parts.length > 2) throw new Error(`${label}: pattern "${pattern}" must be schema or schema.table`);
    return parts;
  };
  const include = (filters.include ?? []).map(parse);
  const exclude = (filters.exclude ?? []).map(parse);
  const tableMode = include.some((p) => p.length === 2);
  const args: string[] = [];
  for (const parts of include) {
    if (parts.length === 2) args.push(`--table=${parts.join('.')}`);
    else args.push(tableMode ? `--table=${parts[0]}.*` : `--schema=${parts[0]}`);
  }
  for (const parts of exclude) {
    if (parts.length === 2) args.push(`--exclude-table=${parts.join('.')}`);
    else args.push(tableMode ? `--exclude-table=${parts[0]}.*` : `--exclude-schema=${parts[0]}`);
  }
  return args;
}

/** A pg_restore name: exact, with surrounding double quotes removed ("" inside stands for "). */
function exactName(part: string, pattern: string, label: string): string {
  if (/^".*"$/.test(part)) return part.slice(1, -1).replace(/""/g, '"');
  if (/[*?]/.test(part)) throw new Error(`${label}: --only "${pattern}": pg_restore matches exact names, so wildcards are not supported`);
  return part;
}

interface DatabaseSelection {
  whole: boolean;
  schemas: Set<string>;
  tables: { schema: string; table: string }[];
}

export interface PartialSelection {
  /** pg_restore -n/-t flags; empty restores everything. */
  args: string[];
  /** The schemas selected, whole or as the schema of the selected tables. */
  schemas: string[];
  /** The tables selected (all in one schema); empty when whole schemas or everything is restored. */
  tables: { schema: string; table: string }[];
}

export interface RestoreSelection {
  /** Databases to restore from a multi-database archive; undefined restores all of them. */
  databases?: Set<string>;
  /** What to restore of one database. */
  select(database: string): PartialSelection;
}

/**
 * Parse --only patterns. Single-database archives: `schema` or `schema.table`. Multi-database archives:
 * `db`, `db.schema` or `db.schema.table`. Per database, either whole schemas or tables of one schema:
 * pg_restore combines -n and -t with AND, so other mixes would restore more or less than asked.
 */
export function parseRestoreSelection(only: string[] | undefined, multiDatabase: boolean, label: string): RestoreSelection {
  const SINGLE = '';
  if (!only || only.length === 0) return { select: () => ({ args: [], schemas: [], tables: [] }) };
  const byDatabase = new Map<string, DatabaseSelection>();
  for (const pattern of only) {
    const raw = splitQualifiedName(pattern, label);
    const max = multiDatabase ? 3 : 2;
    if (raw.length > max) {
      throw new Error(`${label}: --only "${pattern}" must be ${multiDatabase ? 'database, database.schema or database.schema.table' : 'schema or schema.table'}`);
    }
    const parts = raw.map((p) => exactName(p, pattern, label));
    const database = multiDatabase ? parts.shift()! : SINGLE;
    const entry = byDatabase.get(database) ?? { whole: false, schemas: new Set<string>(), tables: [] };
    byDatabase.set(database, entry);
    if (parts.length === 0) entry.whole = true;
    else if (parts.length === 1) entry.schemas.add(parts[0]!);
    else entry.tables.push({ schema: parts[0]!, table: parts[1]! });
  }
  const selections = new Map<string, PartialSelection>();
  for (const [database, entry] of byDatabase) {
    const where = multiDatabase ? ` in database ${database}` : '';
    if (entry.whole) {
      selections.set(database, { args: [], schemas: [], tables: [] });
      continue;
    }
    const tableSchemas = new Set(entry.tables.map((t) => t.schema));
    if (entry.tables.length > 0 && entry.schemas.size > 0) {
      throw new Error(`${label}: --only cannot mix whole schemas and single tables${where} (pg_restore would restore only the tables): restore them in two runs`);
    }
    if (tableSchemas.size > 1) {
      throw new Error(`${label}: --only tables must all be in one schema${where} (pg_restore selects schemas and table names separately): restore one schema's tables per run`);
    }
    const tables = entry.tables.filter((t, i) => entry.tables.findIndex((o) => o.table === t.table) === i);
    const args = [...entry.schemas, ...tableSchemas].map((schema) => `--schema=${schema}`);
    args.push(...tables.map((t) => `--table=${t.table}`));
    selections.set(database, { args, schemas: [...entry.schemas, ...tableSchemas], tables });
  }
  return {
    databases: multiDatabase ? new Set(byDatabase.keys()) : undefined,
    select: (database) => selections.get(multiDatabase ? database : SINGLE) ?? { args: [], schemas: [], tables: [] },
  };
}
