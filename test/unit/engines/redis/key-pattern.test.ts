// Redis glob patterns (SCAN MATCH syntax) against raw key bytes.
import { describe, expect, it } from 'vitest';
import { createKeyFilter, globToRegExp } from '../../../../src/engines/redis/key-pattern.js';

const matches = (pattern: string, key: string | Buffer): boolean =>
  globToRegExp(pattern).test((Buffer.isBuffer(key) ? key : Buffer.from(key)).toString('latin1'));

describe('globToRegExp', () => {
  it.each([
    ['session:*', 'session:abc', true],
    ['session:*', 'session:a/b:c', true],
    ['session:*', 'sessions:abc', false],
    ['h?llo', 'hello', true],
    ['h?llo', 'heello', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-c]llo', 'hbllo', true],
    ['h[a-c]llo', 'hdllo', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['user.[0-9]', 'user.5', true],
    ['user.[0-9]', 'userx5', false],
    ['*', '', true],
    ['(x)+', '(x)+', true],
    ['clé:*', 'clé:1', true],
  ])('%s on %s → %s', (pattern, key, expected) => {
    expect(matches(pattern, key)).toBe(expected);
  });

  it('matches binary keys byte for byte', () => {
    expect(matches('bin:?', Buffer.from([0x62, 0x69, 0x6e, 0x3a, 0xff]))).toBe(true);
    expect(matches('bin:*', Buffer.from([0x62, 0x69, 0x6e, 0x3a, 0x00, 0x0d, 0x0a]))).toBe(true);
  });
});

describe('createKeyFilter', () => {
  it('is undefined when nothing filters', () => {
    expect(createKeyFilter([], [])).toBeUndefined();
  });

  it('keeps included keys that are not excluded', () => {
    const filter = createKeyFilter(['session:*', 'user:*'], ['*:tmp']);
    expect(['session:1', 'user:2', 'user:tmp', 'cache:1'].filter((k) => filter!(Buffer.from(k)))).toEqual(['session:1', 'user:2']);
    const onlyExclude = createKeyFilter([], ['tmp:*']);
    expect(['a', 'tmp:1'].filter((k) => onlyExclude!(Buffer.from(k)))).toEqual(['a']);
  });
});
