import { describe, expect, it } from 'vitest';
import { comparePgStats, countByOidSql, countByTocSql, parseCounts, toPgStats } from '../../../../src/engines/postgres/pg-stats.js';
import { parseTocList } from '../../../../src/engines/postgres/pg-toc.js';
import { sqlLiteral } from '../../../../src/engines/postgres/pg-query.js';

const LIST = `;
; Archive created at 2026-11-21 13:17:33 UTC
;     dbname: app
;     TOC Entries: 22
;
; Selected TOC Entries:
;
6; 2615 16385 SCHEMA - audit postgres
220; 1259 16400 TABLE audit log postgres
218; 1259 16396 TABLE we ird ta ble postgres
3361; 0 16400 TABLE DATA audit log postgres
3358; 0 16387 TABLE DATA public orders app
3359; 0 16396 TABLE DATA we ird ta ble postgres
3370; 0 0 SEQUENCE SET audit log_id_seq postgres
`;

describe('pg_restore --list', () => {
  it('finds the database name and the TABLE DATA entries with their oids', () => {
    expect(parseTocList(LIST)).toEqual({
      dbname: 'app',
      tableData: [
        { oid: 16400, rest: 'audit log postgres' },
        { oid: 16387, rest: 'public orders app' },
        { oid: 16396, rest: 'we ird ta ble postgres' },
      ],
    });
    expect(parseTocList('')).toEqual({ tableData: [] });
  });
});

describe('stats', () => {
  it('keys rows per db.schema.table with totals', () => {
    const stats = toPgStats([
      { database: 'shop', tables: [{ schema: 'public', table: 'orders', rows: 10 }, { schema: 'audit', table: 'log', rows: 0 }] },
      { database: 'crm', tables: [] },
    ]);
    expect(stats).toEqual({ databases: 2, tables: 2, rows: 10, 'rows:shop.public.orders': 10, 'rows:shop.audit.log': 0 });
  });

  it('compares both ways and names each difference', () => {
    expect(comparePgStats({ rows: 3, 'rows:a.b.c': 3 }, { rows: 3, 'rows:a.b.c': 3 })).toEqual([]);
    expect(comparePgStats({ tables: 2, 'rows:a.s.t': 5, 'rows:a.s.u': 1 }, { tables: 2, 'rows:a.s.t': 4, 'rows:a.s.v': 1 })).toEqual([
      'rows:a.s.t: expected 5, restored 4',
      'rows:a.s.u: expected 1, missing from the restore',
      'rows:a.s.v: not in the backup, restored 1',
    ]);
  });

  it('parses the count query answer', () => {
    expect(parseCounts('[["public","orders","12"],["we ird","ta ble","0"]]\n')).toEqual([
      { schema: 'public', table: 'orders', rows: 12 },
      { schema: 'we ird', table: 'ta ble', rows: 0 },
    ]);
    expect(() => parseCounts('{}')).toThrow(/unexpected answer/);
  });

  it('builds count queries with only integers and dollar-quoted literals', () => {
    expect(countByOidSql([16400, 16387])).toContain("'{16400,16387}'::oid[]");
    expect(countByOidSql([])).toContain("'{}'::oid[]");
    const sql = countByTocSql([{ oid: 1, rest: "it's $strata$ odd" }]);
    expect(sql).toContain(`$strata0$["it's $strata$ odd"]$strata0$::json`);
    expect(sqlLiteral('plain')).toBe('$strata$plain$strata$');
  });
});
