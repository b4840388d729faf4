// Source stats of a PostgreSQL backup: exact row counts per table, keyed `rows:<db>.<schema>.<table>`, with
// totals (`databases`, `tables`, `rows`). The backup counts in the dump's own snapshot; a restore counts
// what it loaded; a restore test compares the two.
import type { SourceStats } from '../../model/manifest.js';
import { sqlLiteral } from './pg-query.js';
import type { TocTableData } from './pg-toc.js';

export interface TableCount {
  schema: string;
  table: string;
  rows: number;
}

export interface DatabaseCounts {
  /** The source database's name (the name in the backup, whatever the restore target is called). */
  database: string;
  tables: TableCount[];
}

export function tableStatKey(database: string, schema: string, table: string): string {
  return `rows:${database}.${schema}.${table}`;
}

export function toPgStats(databases: DatabaseCounts[]): SourceStats {
  const stats: SourceStats = { databases: databases.length, tables: 0, rows: 0 };
  for (const db of databases) {
    for (const t of db.tables) {
      stats.tables! += 1;
      stats.rows! += t.rows;
      stats[tableStatKey(db.database, t.schema, t.table)] = t.rows;
    }
  }
  return stats;
}

export function comparePgStats(expected: SourceStats, actual: SourceStats): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const want = expected[key];
    const got = actual[key];
    if (want === got) continue;
    if (got === undefined) differences.push(`${key}: expected ${want}, missing from the restore`);
    else if (want === undefined) differences.push(`${key}: not in the backup, restored ${got}`);
    else differences.push(`${key}: expected ${want}, restored ${got}`);
  }
  return differences;
}

/** Parse the one JSON line the count queries print: [[schema, table, "count"], …]. */
export function parseCounts(line: string): TableCount[] {
  const rows = JSON.parse(line.trim()) as unknown;
  if (!Array.isArray(rows)) throw new Error('unexpected answer to the row count query');
  return rows.map((row) => {
    const [schema, table, count] = row as [string, string, string];
    return { schema, table, rows: Number(count) };
  });
}

// Counting through query_to_xml runs each count(*) inside the same statement, hence the same snapshot.
const COUNT_COLUMNS =
  "json_build_array(n.nspname, c.relname, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text)";

/** Row counts of the tables with these oids (the dump's TABLE DATA entries), as one JSON line. */
export function countByOidSql(oids: number[]): string {
  return (
    `SELECT coalesce(json_agg(${COUNT_COLUMNS} ORDER BY n.nspname, c.relname), '[]') ` +
    `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
    `WHERE c.oid = ANY ('{${oids.map((o) => String(Math.trunc(o))).join(',')}}'::oid[]);\n`
  );
}

/** Row counts of the tables named by restored TABLE DATA entries ("namespace tag owner"), as one JSON line. */
export function countByTocSql(entries: TocTableData[]): string {
  const wanted = sqlLiteral(JSON.stringify(entries.map((e) => e.rest)));
  return (
    `WITH wanted(rest) AS (SELECT json_array_elements_text(${wanted}::json)) ` +
    `SELECT coalesce(json_agg(${COUNT_COLUMNS} ORDER BY n.nspname, c.relname), '[]') ` +
    `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
    `WHERE c.relkind = 'r' AND EXISTS (SELECT 1 FROM wanted w WHERE w.rest = n.nspname || ' ' || c.relname ` +
    `OR left(w.rest, length(n.nspname || ' ' || c.relname) + 1) = n.nspname || ' ' || c.relname || ' ');\n`
  );
}
