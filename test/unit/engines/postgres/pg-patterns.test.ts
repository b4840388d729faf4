import { describe, expect, it } from 'vitest';
import { dumpFilterArgs, parseRestoreSelection, splitQualifiedName } from '../../../../src/engines/postgres/pg-patterns.js';
import { conninfoForDatabase, dropDatabasePrefix, targetDatabaseName } from '../../../../src/engines/postgres/pg-restore.js';

const label = 'postgres source "db"';

describe('backup patterns → pg_dump flags', () => {
  it('splits names at dots outside quotes', () => {
    expect(splitQualifiedName('"my.schema".orders', label)).toEqual(['"my.schema"', 'orders']);
    expect(() => splitQualifiedName('a..b', label)).toThrow(/empty name part/);
    expect(() => splitQualifiedName('"a.b', label)).toThrow(/unclosed double quote/);
  });

  it('uses -n/-N for schemas and -T for excluded tables when no table is included', () => {
    expect(dumpFilterArgs({ include: ['public', 'audit'], exclude: ['scratch', 'public.big_*'] }, label)).toEqual([
      '--schema=public',
      '--schema=audit',
      '--exclude-schema=scratch',
      '--exclude-table=public.big_*',
    ]);
    expect(dumpFilterArgs({}, label)).toEqual([]);
  });

  it('turns schema patterns into schema.* table patterns once a table is included (pg_dump ignores -n with -t)', () => {
    expect(dumpFilterArgs({ include: ['public.orders', 'audit'], exclude: ['tmp'] }, label)).toEqual([
      '--table=public.orders',
      '--table=audit.*',
      '--exclude-table=tmp.*',
    ]);
  });

  it('refuses three-part names', () => {
    expect(() => dumpFilterArgs({ include: ['db.public.orders'] }, label)).toThrow('pattern "db.public.orders" must be schema or schema.table');
  });
});

describe('--only → pg_restore flags', () => {
  it('single-database archives: schemas, or tables of one schema', () => {
    expect(parseRestoreSelection(undefined, false, label).select('')).toEqual({ args: [], schemas: [], tables: [] });
    expect(parseRestoreSelection(['audit', 'public'], false, label).select('')).toEqual({
      args: ['--schema=audit', '--schema=public'],
      schemas: ['audit', 'public'],
      tables: [],
    });
    const tables = parseRestoreSelection(['public.orders', 'public."Line Items"', 'public.orders'], false, label);
    expect(tables.select('')).toEqual({
      args: ['--schema=public', '--table=orders', '--table=Line Items'],
      schemas: ['public'],
      tables: [
        { schema: 'public', table: 'orders' },
        { schema: 'public', table: 'Line Items' },
      ],
    });
    expect(tables.databases).toBeUndefined();
  });

  it('refuses selections pg_restore would get wrong', () => {
    expect(() => parseRestoreSelection(['public.orders', 'audit.log'], false, label)).toThrow(/tables must all be in one schema/);
    expect(() => parseRestoreSelection(['public.orders', 'audit'], false, label)).toThrow(/cannot mix whole schemas and single tables/);
    expect(() => parseRestoreSelection(['public.ord*'], false, label)).toThrow(/wildcards are not supported/);
    expect(() => parseRestoreSelection(['a.b.c'], false, label)).toThrow(/must be schema or schema.table/);
  });

  it('multi-database archives: db, db.schema, db.schema.table', () => {
    const selection = parseRestoreSelection(['shop.public.orders', 'crm', 'hr.payroll'], true, label);
    expect([...selection.databases!]).toEqual(['shop', 'crm', 'hr']);
    expect(selection.select('shop').args).toEqual(['--schema=public', '--table=orders']);
    expect(selection.select('crm').args).toEqual([]);
    expect(selection.select('hr').args).toEqual(['--schema=payroll']);
    expect(selection.select('other').args).toEqual([]);
  });
});

describe('restore targets', () => {
  it('accepts stats-style db.schema.table patterns for the dumped database', () => {
    expect(dropDatabasePrefix(['shop.public.orders', 'public.customers', 'other.public.x', '"shop".audit.log'], 'shop', label)).toEqual([
      'public.orders',
      'public.customers',
      'other.public.x',
      'audit.log',
    ]);
    expect(dropDatabasePrefix(undefined, 'shop', label)).toBeUndefined();
  });

  it('names target databases and quotes conninfo values', () => {
    expect(targetDatabaseName('restored', 'shop', false)).toBe('restored');
    expect(targetDatabaseName('restored', 'shop', true)).toBe('restored_shop');
    expect(targetDatabaseName(undefined, 'shop', true)).toBe('shop');
    expect(conninfoForDatabase("it's a\\db")).toBe("dbname='it\\'s a\\\\db'");
  });
});
