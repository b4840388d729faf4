// Reading `pg_restore -l` output: the archive's table of contents. Its TABLE DATA entries are exactly the
// tables whose rows the archive holds (or, listed with the restore's -n/-t selection, the tables a restore
// loads), so stats are counted for precisely those tables, never for a re-implementation of pg_dump's filters.

export interface TocTableData {
  /** The table's oid in the dumped database (TABLE DATA entries carry it). */
  oid: number;
  /** "namespace tag owner" as printed; names with spaces make it ambiguous, so it is matched against a catalogue. */
  rest: string;
}

export interface TocSummary {
  /** The dumped database's name, from the archive header. */
  dbname?: string;
  tableData: TocTableData[];
}

const TABLE_DATA = /^\d+; \d+ (\d+) TABLE DATA (.+)$/;
const DBNAME = /^;\s+dbname:\s?(.*)$/i;

export function parseTocList(text: string): TocSummary {
  const summary: TocSummary = { tableData: [] };
  for (const line of text.split('\n')) {
    const data = TABLE_DATA.exec(line);
    if (data) {
      summary.tableData.push({ oid: Number(data[1]), rest: data[2]! });
      continue;
    }
    const db = DBNAME.exec(line);
    if (db && summary.dbname === undefined) summary.dbname = db[1]!;
  }
  return summary;
}
