import { describe, expect, it } from 'vitest';
import { describeConnection, parsePostgresUrl, replaceUrlDatabase } from '../../../../src/engines/postgres/pg-url.js';

const label = 'postgres source "db"';

describe('parsePostgresUrl', () => {
  it('splits a full URL, decoding percent-encoded parts', () => {
    expect(parsePostgresUrl('postgres://app%40corp:p%3Ass%2Fw@db.example:6432/shop%20x?sslmode=require&connect_timeout=3', label)).toEqual({
      host: 'db.example',
      port: '6432',
      user: 'app@corp',
      password: 'p:ss/w',
      database: 'shop x',
      params: { PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '3' },
    });
  });

  it('accepts postgresql://, IPv6 hosts, and host/user/password/dbname as query parameters', () => {
    expect(parsePostgresUrl('postgresql://[::1]:5433/app', label)).toEqual({ host: '::1', port: '5433', database: 'app', params: {} });
    expect(parsePostgresUrl('postgres:///app?host=/var/run/postgresql&user=me&password=pw&dbname=other', label)).toEqual({
      host: '/var/run/postgresql',
      user: 'me',
      password: 'pw',
      database: 'other',
      params: {},
    });
  });

  it('rejects other schemes and unknown parameters without quoting the URL', () => {
    const secret = 'hunter2-secret';
    expect(() => parsePostgresUrl(`mysql://u:${secret}@h/db`, label)).toThrow('postgres source "db": the URL must start with postgres:// or postgresql:// (got mysql://)');
    for (const bad of [`postgres://u:${secret}@h/db?sslpassword=x`, `postgres://u:${secret}@h/a/b`, `postgres://u:${secret}@h:99999/db`]) {
      let message = '';
      try {
        parsePostgresUrl(bad, label);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^postgres source "db": /);
      expect(message).not.toContain(secret);
    }
  });
});

describe('describeConnection and replaceUrlDatabase', () => {
  it('names host:port/db only, with libpq defaults', () => {
    const c = parsePostgresUrl('postgres://u:secret@db:5999/app', label);
    expect(describeConnection(c)).toBe('db:5999/app');
    expect(describeConnection(c, 'other')).toBe('db:5999/other');
    expect(describeConnection(parsePostgresUrl('postgres://[::1]', label))).toBe('[::1]:5432');
    expect(describeConnection(parsePostgresUrl('postgres://', label))).toBe('localhost:5432');
  });

  it('swaps the database, keeping credentials and parameters', () => {
    const url = replaceUrlDatabase('postgres://u:p%40ss@h:1/app?sslmode=disable&dbname=zzz', 'strata restore');
    expect(parsePostgresUrl(url, label)).toEqual({ host: 'h', port: '1', user: 'u', password: 'p@ss', database: 'strata restore', params: { PGSSLMODE: 'disable' } });
  });
});
