import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildPgEnv, openPgSession, passfileLine } from '../../../../src/engines/postgres/pg-session.js';
import { parsePostgresUrl } from '../../../../src/engines/postgres/pg-url.js';

describe('libpq environment', () => {
  it('escapes backslashes and colons in passfile lines', () => {
    expect(passfileLine('a:b\\c')).toBe('*:*:*:*:a\\:b\\\\c\n');
  });

  it('sets connection variables from the URL and clears every other managed one', () => {
    const env = buildPgEnv(parsePostgresUrl('postgres://u:pw@h:7/app?sslmode=require', 'x'), 'other', '/tmp/pass');
    expect(env).toMatchObject({ PGHOST: 'h', PGPORT: '7', PGUSER: 'u', PGDATABASE: 'other', PGPASSFILE: '/tmp/pass', PGSSLMODE: 'require', PGAPPNAME: 'strata', PGCONNECT_TIMEOUT: '10' });
    expect('PGPASSWORD' in env && env.PGPASSWORD === undefined).toBe(true);
    expect('PGSERVICE' in env && env.PGSERVICE === undefined).toBe(true);
    expect(Object.values(env)).not.toContain('pw');
  });

  it('leaves the user\'s own PGPASSWORD / ~/.pgpass alone when the URL has no password', () => {
    const env = buildPgEnv(parsePostgresUrl('postgres://u@h/app', 'x'), 'app', undefined);
    expect('PGPASSWORD' in env).toBe(false);
    expect('PGPASSFILE' in env).toBe(false);
  });

  it('writes the password to a 0600 passfile that close() removes', async () => {
    const session = await openPgSession('postgres://u:s3cret@h/app', 'x');
    const passfile = session.env('app').PGPASSFILE!;
    expect((await stat(passfile)).mode & 0o777).toBe(0o600);
    expect(await readFile(passfile, 'utf8')).toBe('*:*:*:*:s3cret\n');
    expect(session.secrets).toContain('s3cret');
    await session.close();
    await expect(stat(passfile)).rejects.toThrow(/ENOENT/);
  });
});
