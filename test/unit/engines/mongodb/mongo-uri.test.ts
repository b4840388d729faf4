import { describe, expect, it } from 'vitest';
import {
  describeHosts,
  formatMongoUri,
  parseMongoUri,
  queryOption,
  redactUri,
  selectedDatabase,
  uriSecrets,
  withoutDatabase,
} from '../../../../src/engines/mongodb/mongo-uri.js';

describe('parseMongoUri', () => {
  it('takes apart credentials, hosts, database and options', () => {
    const uri = parseMongoUri('mongodb://app%40corp:p%2Fss@h1:27017,h2:27018/shop?replicaSet=rs0&authSource=admin');
    expect(uri).toEqual({
      scheme: 'mongodb',
      userinfo: 'app%40corp:p%2Fss',
      hosts: 'h1:27017,h2:27018',
      database: 'shop',
      query: [
        ['replicaSet', 'rs0'],
        ['authSource', 'admin'],
      ],
    });
    expect(queryOption(uri, 'AUTHSOURCE')).toBe('admin');
  });

  it('accepts srv URIs, no path, an empty path and options without a path', () => {
    expect(parseMongoUri('mongodb+srv://cluster0.example.net').database).toBeUndefined();
    expect(parseMongoUri('mongodb://localhost/').database).toBeUndefined();
    expect(parseMongoUri('mongodb://localhost/?directConnection=true').query).toEqual([['directConnection', 'true']]);
    expect(parseMongoUri('mongodb+srv://u:p@c.example.net/app').scheme).toBe('mongodb+srv');
    expect(parseMongoUri('mongodb://localhost/caf%C3%A9').database).toBe('café');
  });

  it('refuses other schemes and hostless URIs without echoing them', () => {
    expect(() => parseMongoUri('postgres://u:hunter2@h/db')).toThrow(/must start with mongodb/);
    expect(() => parseMongoUri('postgres://u:hunter2@h/db')).not.toThrow(/hunter2/);
    expect(() => parseMongoUri('mongodb://u:hunter2@/db')).toThrow(/names no host/);
    expect(() => parseMongoUri('mongodb://u:hunter2@/db')).not.toThrow(/hunter2/);
  });

  it('formats back to an equivalent URI', () => {
    for (const raw of ['mongodb://u:p@h:1/db?a=1&b=2', 'mongodb://h/', 'mongodb+srv://c.example.net/?retryWrites=true']) {
      expect(parseMongoUri(formatMongoUri(parseMongoUri(raw)))).toEqual(parseMongoUri(raw));
    }
  });
});

describe('database paths', () => {
  it('treats /admin as the authentication database only', () => {
    expect(selectedDatabase(parseMongoUri('mongodb://u:p@h/admin'))).toBeUndefined();
    expect(selectedDatabase(parseMongoUri('mongodb://h/shop'))).toBe('shop');
    expect(selectedDatabase(parseMongoUri('mongodb://h/'))).toBeUndefined();
  });

  it('keeps the authentication database implied by the path when the path is removed', () => {
    const moved = formatMongoUri(withoutDatabase(parseMongoUri('mongodb://u:p@h/shop?w=majority')));
    expect(moved).toBe('mongodb://u:p@h/?w=majority&authSource=shop');
    // An explicit authSource wins; no credentials means no authentication database to keep.
    expect(formatMongoUri(withoutDatabase(parseMongoUri('mongodb://u:p@h/shop?authSource=admin')))).toBe('mongodb://u:p@h/?authSource=admin');
    expect(formatMongoUri(withoutDatabase(parseMongoUri('mongodb://h/shop')))).toBe('mongodb://h/');
  });
});

describe('redaction', () => {
  it('redacts the URI, the userinfo and the password in encoded and decoded forms', () => {
    const raw = 'mongodb://backup:s3cr%40t-pw@db.internal:27017/app';
    const secrets = uriSecrets(raw);
    expect(secrets).toEqual(expect.arrayContaining([raw, 'backup:s3cr%40t-pw', 's3cr%40t-pw', 's3cr@t-pw', 'backup']));
    const text = `failed for ${raw}: auth s3cr@t-pw / s3cr%40t-pw by backup`;
    const redacted = redactUri(text, raw);
    expect(redacted).not.toMatch(/s3cr/);
    expect(redacted).not.toContain('backup');
    expect(describeHosts(raw)).toBe('db.internal:27017');
  });

  it('still redacts the whole string when it is not a parseable URI', () => {
    expect(redactUri('oops: not-a-uri-secret', 'not-a-uri-secret')).toBe('oops: ***');
  });
});
