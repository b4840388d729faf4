// Persistence settings against real servers: CONFIG GET → diff → CONFIG SET + CONFIG REWRITE into the
// server's config file; a server without a config file (the change holds until restart, and says so);
// a server where CONFIG is disabled, as on managed Redis (a clear refusal).
import { readFile } from 'node:fs/promises';
import { afterAll, expect, it } from 'vitest';
import type { RedisSource } from '../../../../src/generated/policy.js';
import { applyPersistence, desiredPersistence, diffPersistence, readPersistence } from '../../../../src/engines/redis/persistence.js';
import { identity, REDIS_BINARIES, startTestRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';

describeWithBinaries(REDIS_BINARIES, 'redis persistence settings', () => {
  const servers: TestRedis[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function start(options: Parameters<typeof startTestRedis>[0] = {}): Promise<TestRedis> {
    const server = await startTestRedis({ password: 'persistence-Secret-9', ...options });
    servers.push(server);
    return server;
  }

  const wanted = (server: TestRedis): RedisSource => ({
    type: 'redis',
    url: server.url,
    persistence: { save: ' 900 1\n300   10 ', appendonly: true, appendfsync: 'always' },
  });

  it('diffs CONFIG GET with the policy, applies it with CONFIG SET and rewrites the config file', async () => {
    const server = await start();
    const source = wanted(server);
    const before = await readPersistence(source, identity);
    expect(before).toEqual({ save: '', appendonly: 'no', appendfsync: 'everysec' });
    const desired = desiredPersistence(source);
    const changes = diffPersistence(desired, before);
    expect(changes).toEqual([
      { key: 'appendfsync', from: 'everysec', to: 'always' },
      { key: 'appendonly', from: 'no', to: 'yes' },
      { key: 'save', from: '', to: '900 1 300 10' },
    ]);
    expect(await applyPersistence(source, identity, changes)).toEqual({ rewritten: true, notes: [] });
    const after = await readPersistence(source, identity);
    expect(diffPersistence(desired, after)).toEqual([]);
    const config = await readFile(server.configFile, 'utf8');
    expect(config).toMatch(/^appendonly yes$/m);
    expect(config).toMatch(/^appendfsync always$/m);
    expect(config).toMatch(/^save 900 1$/m); // CONFIG REWRITE writes one line per rule
    expect(config).toMatch(/^save 300 10$/m);
  });

  it('a server without a config file keeps the change until restart, and the notes say so', async () => {
    const server = await start({ configVia: 'stdin' });
    const source = wanted(server);
    const changes = diffPersistence(desiredPersistence(source), await readPersistence(source, identity));
    const result = await applyPersistence(source, identity, changes);
    expect(result.rewritten).toBe(false);
    expect(result.notes.join(' ')).toMatch(new RegExp(`redis at 127\\.0\\.0\\.1:${server.port} runs without a config file.*appendonly yes`));
    expect(diffPersistence(desiredPersistence(source), await readPersistence(source, identity))).toEqual([]);
  });

  it('a server where CONFIG is disabled (managed Redis) is refused clearly, without the password', async () => {
    const server = await start({ config: ['rename-command CONFIG ""'] });
    const source = wanted(server);
    const read = await readPersistence(source, identity).then(
      () => 'read',
      (e: Error) => e.message,
    );
    expect(read).toMatch(new RegExp(`redis at 127\\.0\\.0\\.1:${server.port}: the server refused CONFIG GET save .*unknown command.*CONFIG is disabled or renamed`));
    const applied = await applyPersistence(source, identity, [{ key: 'appendonly', from: 'no', to: 'yes' }]).then(
      () => 'applied',
      (e: Error) => e.message,
    );
    expect(applied).toMatch(/refused CONFIG SET appendonly "yes" .*provider's settings/);
    expect(`${read} ${applied}`).not.toContain('persistence-Secret-9');
  });
});
