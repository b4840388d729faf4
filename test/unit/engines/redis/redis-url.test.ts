// Parsing source and target URLs: endpoint parts, a printable label, and no password in any message.
import { describe, expect, it } from 'vitest';
import { createDbMapper } from '../../../../src/engines/redis/db-map.js';
import { endpointError, parseRedisUrl, sourceEndpoint } from '../../../../src/engines/redis/redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port, TLS, user, password and database', () => {
    expect(parseRedisUrl('rediss://app:p%40ss%3Aword@cache.example.com:6380/3')).toMatchObject({
      host: 'cache.example.com',
      port: 6380,
      tls: true,
      username: 'app',
      password: 'p@ss:word',
      db: 3,
      label: 'cache.example.com:6380',
    });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, tls: false, username: undefined, password: undefined, db: undefined });
    expect(parseRedisUrl('redis://[::1]:7000').label).toBe('[::1]:7000');
  });

  it('refuses other schemes and paths, without quoting the URL', () => {
    const secret = 'hunter2-secret';
    for (const url of [`http://:${secret}@host`, `redis://:${secret}@host/notadb`, `::${secret}`]) {
      let message = '';
      try {
        parseRedisUrl(url);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(secret);
    }
  });

  it('resolves ${env:…} references of a source and redacts the password from errors', () => {
    const endpoint = sourceEndpoint('cache', { type: 'redis', url: '${env:URL}' }, () => 'redis://:s3cret-pw@db:6379');
    expect(endpoint.password).toBe('s3cret-pw');
    expect(endpointError(endpoint, 'server said s3cret-pw is wrong').message).toBe('redis at db:6379: server said *** is wrong');
  });
});

describe('createDbMapper', () => {
  it('keeps database numbers, or maps a single database to the one the target names', () => {
    expect([0, 3].map(createDbMapper(undefined))).toEqual([0, 3]);
    const into7 = createDbMapper(7);
    expect(into7(3)).toBe(7);
    expect(into7(3)).toBe(7);
    expect(() => into7(4)).toThrow(/more than one database \(3 and 4\)/);
  });
});
