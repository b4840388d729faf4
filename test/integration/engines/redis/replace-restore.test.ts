// Restoring over a live server (RestoreRequest.replace: in place, or --drop) leaves exactly the backed-up
// dataset: keys written after the backup are gone, changed and deleted keys come back, TTLs are kept, in
// every database (0 and 3 here, and a database the backup never had). With --only, only keys matching the
// patterns are replaced; the others are left alone. Without replace (--to another server) the backup is
// merged as before. And a restore whose decoded stream does not match the manifest (or ends short) leaves
// the target exactly as it was, in rdb and logical mode, with and without replace.
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import type { CatalogEntry } from '../../../../src/model/catalog.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import {
  diffSnapshots,
  identity,
  REDIS_BINARIES,
  redisFixture,
  seedRedis,
  snapshotRedis,
  startTestRedis,
  type RedisFixtureOptions,
  type TestRedis,
} from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const DBS = [0, 3, 5];
const MODES = ['rdb', 'logical'] as const;

describeWithBinaries([...REDIS_BINARIES, 'zstd'], 'redis restore over a live server', () => {
  const started: TestRedis[] = [];

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  async function seeded(): Promise<{ server: TestRedis; client: Redis; expected: Awaited<ReturnType<typeof snapshotRedis>> }> {
    const server = await startTestRedis();
    started.push(server);
    const client = await server.client();
    await seedRedis(client, { count: 40 });
    await client.select(3);
    await seedRedis(client, { prefix: 'three:', count: 10 });
    await client.select(0);
    return { server, client, expected: await snapshotRedis(client, DBS) };
  }

  async function backup(server: TestRedis, mode: 'rdb' | 'logical', options: Partial<RedisFixtureOptions> = {}) {
    const work = await makeTempDir();
    const fixture = redisFixture({ storageRoot: join(work, 'storage'), url: server.url, mode, ...options });
    const { dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries.find((e) => e.dir === dir)!;
    return { fixture, storage, entry };
  }

  /** What an incident does after the backup: new keys (db 0, 3 and a new db 5), a changed value, a deleted key, a changed TTL. */
  async function damage(client: Redis): Promise<void> {
    await client.set('late:key', 'written after the backup');
    await client.set('str:1', 'corrupted');
    await client.del('str:2');
    await client.persist('ttl:3');
    await client.set('str:late', 'also late');
    await client.select(3);
    await client.set('three:late', 'x', 'EX', 600);
    await client.select(5);
    await client.set('five:late', 'a database the backup never had');
    await client.select(0);
  }

  async function dbsize(client: Redis, db: number): Promise<number> {
    await client.select(db);
    const size = await client.dbsize();
    await client.select(0);
    return size;
  }

  it.each(MODES)('%s: restoring over the source leaves exactly the backed-up dataset in every database, TTLs kept', async (mode) => {
    const { server, client, expected } = await seeded();
    const { fixture, storage, entry } = await backup(server, mode);
    const before = await dbsize(client, 0);
    await damage(client);
    expect(await dbsize(client, 0)).toBe(before + 1); // + late:key + str:late − str:2

    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: server.url, replace: true, resolveSecret: identity });
    expect(diffSnapshots(expected, await snapshotRedis(client, DBS))).toEqual([]);
    expect(await dbsize(client, 0)).toBe(before);
    expect(await dbsize(client, 5)).toBe(0);
    expect(await client.pttl('ttl:3')).toBeGreaterThan(3_000_000);
    expect(restored.stats.keys).toBe(expected.size);
  });

  it.each(MODES)('%s: --only with replace replaces exactly the matching keys and leaves the others alone', async (mode) => {
    const { server, client, expected } = await seeded();
    const { fixture, storage, entry } = await backup(server, mode);
    await damage(client);
    const damaged = await snapshotRedis(client, DBS);

    await restoreBackup({ entry, storage, policy: fixture.policy, target: server.url, replace: true, only: ['str:*', 'three:str:*'], resolveSecret: identity });
    const matching = (key: string): boolean => /^\d+:(three:)?str:/.test(key);
    const want = new Map([...expected].filter(([k]) => matching(k)));
    for (const [k, v] of damaged) if (!matching(k)) want.set(k, v);
    expect(diffSnapshots(want, await snapshotRedis(client, DBS))).toEqual([]);
    expect(await client.exists('str:late')).toBe(0);
    expect(await client.get('late:key')).toBe('written after the backup');
  });

  it.each(MODES)('%s: restoring to another server without replace merges, as before', async (mode) => {
    const { server, expected } = await seeded();
    const { fixture, storage, entry } = await backup(server, mode);
    const target = await startTestRedis();
    started.push(target);
    const targetClient = await target.client();
    await targetClient.set('theirs', 'kept');
    await targetClient.set('str:1', 'overwritten by the backup');
    await restoreBackup({ entry, storage, policy: fixture.policy, target: target.url, resolveSecret: identity });
    const want = new Map(expected);
    want.set('0:theirs', { type: 'string', value: Buffer.from('kept').toString('hex'), ttl: -1 });
    expect(diffSnapshots(want, await snapshotRedis(targetClient, DBS))).toEqual([]);
  });

  // An RDB always holds every database: only a logical backup can be of one database.
  it('logical: a single-database backup restored with replace into the database the URL names clears only that database', async () => {
    const { server, client, expected } = await seeded();
    const { fixture, storage, entry } = await backup(server, 'logical', { db: 3 });
    await damage(client);
    const damaged = await snapshotRedis(client, DBS);
    await restoreBackup({ entry, storage, policy: fixture.policy, target: `${server.url}/3`, replace: true, resolveSecret: identity });
    const want = new Map([...damaged].filter(([k]) => !k.startsWith('3:')));
    for (const [k, v] of expected) if (k.startsWith('3:')) want.set(k, v);
    expect(diffSnapshots(want, await snapshotRedis(client, DBS))).toEqual([]);
  });

  const broken: [string, (entry: CatalogEntry) => CatalogEntry][] = [
    ['a wrong raw_sha256', (entry) => ({ ...entry, manifest: { ...entry.manifest, raw_sha256: 'f'.repeat(64) } })],
    ['a stream shorter than raw_size', (entry) => ({ ...entry, manifest: { ...entry.manifest, raw_size: entry.manifest.raw_size + 1 } })],
  ];
  for (const mode of MODES) {
    for (const [what, breakEntry] of broken) {
      for (const replace of [false, true]) {
        it(`${mode}: ${what} fails the restore${replace ? ' over the source' : ' to another server'} and leaves the target exactly as it was`, async () => {
          const { server, client } = await seeded();
          const { fixture, storage, entry } = await backup(server, mode);
          let target = server;
          let targetClient = client;
          if (!replace) {
            target = await startTestRedis();
            started.push(target);
            targetClient = await target.client();
            await targetClient.set('theirs', 'kept');
          }
          await damage(targetClient);
          const before = await snapshotRedis(targetClient, DBS);
          await expect(
            restoreBackup({ entry: breakEntry(entry), storage, policy: fixture.policy, target: target.url, replace, resolveSecret: identity }),
          ).rejects.toThrow(/does not match the manifest/);
          expect(diffSnapshots(before, await snapshotRedis(targetClient, DBS))).toEqual([]);
        });
      }
    }
  }

});
