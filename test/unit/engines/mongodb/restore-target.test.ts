import { describe, expect, it } from 'vitest';
import { parseMongoUri, queryOption } from '../../../../src/engines/mongodb/mongo-uri.js';
import { applyTemplate, checkDatabaseName, mapDatabases, parseRestoreTarget, scratchTargetUri } from '../../../../src/engines/mongodb/restore-target.js';

describe('parseRestoreTarget', () => {
  it('keeps original names when the target has no database path (or only /admin)', () => {
    expect(parseRestoreTarget('mongodb://h:1/')).toEqual({ connectUri: 'mongodb://h:1/' });
    expect(parseRestoreTarget('mongodb://u:p@h:1/admin')).toEqual({ connectUri: 'mongodb://u:p@h:1/admin' });
  });

  it('renames into the path database and keeps it as the authentication database', () => {
    const target = parseRestoreTarget('mongodb://u:p@h:1/cryptons_test?w=1');
    expect(target.template).toBe('cryptons_test');
    expect(target.connectUri).toBe('mongodb://u:p@h:1/?w=1&authSource=cryptons_test');
  });

  it('takes a * template, which is never an authentication database', () => {
    const target = parseRestoreTarget('mongodb://u:p@h:1/restored_*');
    expect(target.template).toBe('restored_*');
    expect(target.connectUri).toBe('mongodb://u:p@h:1/');
  });

  it('refuses invalid database names before connecting', () => {
    expect(() => parseRestoreTarget('mongodb://h/a%20b')).toThrow(/contains " "/);
    expect(() => parseRestoreTarget(`mongodb://h/${'x'.repeat(64)}`)).toThrow(/longer than 63 bytes/);
  });
});

describe('mapDatabases', () => {
  it('maps names to themselves without a template', () => {
    expect([...mapDatabases(undefined, ['b', 'a', 'b'])]).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
  });

  it('renames one database into the named one, and refuses several', () => {
    expect([...mapDatabases('db2', ['db1'])]).toEqual([['db1', 'db2']]);
    expect(() => mapDatabases('db2', ['db1', 'other'])).toThrow(/names one database \(db2\) but the selection holds 2 databases \(db1, other\).*--only/);
    expect(mapDatabases('db2', []).size).toBe(0);
  });

  it('applies * templates, shortening names that would be too long', () => {
    expect([...mapDatabases('restored_*', ['app', 'cms'])]).toEqual([
      ['app', 'restored_app'],
      ['cms', 'restored_cms'],
    ]);
    const long = 'l'.repeat(60);
    const mapped = applyTemplate('strata_restore_test_0123abcd_*', long);
    expect(mapped).toMatch(/^strata_restore_test_0123abcd_h[0-9a-f]{10}$/);
    expect(applyTemplate('strata_restore_test_0123abcd_*', long)).toBe(mapped);
    expect(() => checkDatabaseName(mapped)).not.toThrow();
  });
});

describe('scratchTargetUri', () => {
  it('keeps credentials and the source authentication database, with a * template path', () => {
    const scratch = scratchTargetUri('mongodb://u:p@h:1/app?replicaSet=rs0', 'strata_restore_test_ab12cd34_');
    const parsed = parseMongoUri(scratch);
    expect(parsed.database).toBe('strata_restore_test_ab12cd34_*');
    expect(parsed.userinfo).toBe('u:p');
    expect(queryOption(parsed, 'authSource')).toBe('app');
    expect(queryOption(parsed, 'replicaSet')).toBe('rs0');
    expect(parseRestoreTarget(scratch).template).toBe('strata_restore_test_ab12cd34_*');
    expect(parseRestoreTarget(scratch).connectUri).toBe('mongodb://u:p@h:1/?replicaSet=rs0&authSource=app');
  });
});
