import { describe, expect, it } from 'vitest';
import { createSecretResolver, findSecretReferences, hasSecretReference, SecretReferenceError } from '../../../src/policy/secrets.js';

const SECRET = 's3cr3t-p4ss-9f2c1e';

function fakeFiles(files: Record<string, string>) {
  return (path: string): string => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return text;
  };
}

function caught(fn: () => unknown): SecretReferenceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SecretReferenceError);
    return e as SecretReferenceError;
  }
  throw new Error('expected a SecretReferenceError');
}

describe('findSecretReferences', () => {
  it('finds env and file references as written', () => {
    expect(findSecretReferences('redis://:${env:REDIS_PASSWORD}@${file:/run/host}:6379')).toEqual(['${env:REDIS_PASSWORD}', '${file:/run/host}']);
    expect(findSecretReferences('plain')).toEqual([]);
    expect(hasSecretReference('${env:X}')).toBe(true);
    expect(hasSecretReference('$env:X and {env:Y}')).toBe(false);
  });
});

describe('createSecretResolver', () => {
  it('resolves every reference in a string', () => {
    const resolve = createSecretResolver({ USER_NAME: 'app', PASS: SECRET }, fakeFiles({ '/run/secrets/host': 'db.internal\n' }));
    expect(resolve('postgres://${env:USER_NAME}:${env:PASS}@${file:/run/secrets/host}/app')).toBe(`postgres://app:${SECRET}@db.internal/app`);
    expect(resolve('no references')).toBe('no references');
  });

  it('trims exactly one trailing newline from files', () => {
    const resolve = createSecretResolver({}, fakeFiles({ '/a': 'x\n\n', '/b': 'y\r\n', '/c': 'z' }));
    expect(resolve('${file:/a}|${file:/b}|${file:/c}')).toBe('x\n|y|z');
  });

  it('names a missing variable and says how to provide it', () => {
    const e = caught(() => createSecretResolver({}, fakeFiles({}))('${env:MONGO_URI}'));
    expect(e.message).toContain('environment variable MONGO_URI is not set');
    expect(e.message).toContain('environment_file');
    expect(e.reference).toBe('${env:MONGO_URI}');
  });

  it('names a missing file and says how to provide it', () => {
    const e = caught(() => createSecretResolver({}, fakeFiles({}))('${file:/run/secrets/pg}'));
    expect(e.message).toBe(
      'secret file /run/secrets/pg does not exist (referenced as ${file:/run/secrets/pg}); create it with the secret as its only content and make it readable by the user running strata',
    );
  });

  it('never puts a resolved value into an error', () => {
    const resolve = createSecretResolver({ PASS: SECRET }, fakeFiles({ '/key': SECRET }));
    for (const input of [`\${env:PASS}@\${env:MISSING}`, `\${file:/key}/\${file:/nope}`, `\${env:PASS}\${env:}`]) {
      const e = caught(() => resolve(input));
      expect(e.message).not.toContain(SECRET);
      expect(String(e.stack)).not.toContain(SECRET);
    }
  });

  it('reports unreadable files by their error code only', () => {
    const denied = () => {
      throw Object.assign(new Error(`EACCES ${SECRET}`), { code: 'EACCES' });
    };
    const e = caught(() => createSecretResolver({}, denied)('${file:/etc/strata/key}'));
    expect(e.message).toContain('is not readable by this user');
    expect(e.message).not.toContain(SECRET);
  });

  it('treats an empty variable as set', () => {
    expect(createSecretResolver({ EMPTY: '' })('[${env:EMPTY}]')).toBe('[]');
  });
});
