// A restore whose decoded stream turns out not to match the manifest (a wrong raw_sha256, or a stream
// shorter than raw_size) fails after pg_restore has seen all of it. Nothing from it may stay behind: an
// existing database keeps exactly its previous content (the transaction never commits), and a database
// the restore created is dropped again. Whole restores, --only tables and schemas, and multi-database
// backups, against a private cluster.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import type { CatalogEntry } from '../../../../src/model/catalog.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { POSTGRES_BINARIES, startPostgres, type PostgresServer } from '../../../helpers/postgres-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { createOwner, identity, pgFixture, seedShop } from './fixture.js';

const PASSWORD = 'late-failure-pw';
let server: PostgresServer;

const broken: [string, (entry: CatalogEntry) => CatalogEntry][] = [
  ['a wrong raw_sha256', (entry) => ({ ...entry, manifest: { ...entry.manifest, raw_sha256: '0'.repeat(64) } })],
  ['a stream shorter than raw_size', (entry) => ({ ...entry, manifest: { ...entry.manifest, raw_size: entry.manifest.raw_size + 1 } })],
];

describeWithBinaries([...POSTGRES_BINARIES, 'zstd'], 'postgres restore that fails late', () => {
  beforeAll(async () => {
    server = await startPostgres();
    await createOwner(server, 'app', PASSWORD);
    // Enough orders (~3 MB) that a selective restore of an earlier table stops reading long before the end.
    await seedShop(server, 'shop', 'app', 40_000);
    await server.psql(`SET ROLE app; SELECT lo_from_bytea(0, 'a large object');`, 'shop');
    await server.psql(`CREATE DATABASE crm OWNER app;`);
    await server.psql(`SET ROLE app; CREATE TABLE contacts (id int PRIMARY KEY, email text); INSERT INTO contacts SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 42) g;`, 'crm');
  });

  afterAll(async () => {
    await server?.stop();
  });

  const appUrl = (database: string): string => server.url(database, 'app', PASSWORD);

  async function backup(source: { url: string; databases?: string[] }) {
    const work = await makeTempDir();
    const fixture = pgFixture({ storageRoot: join(work, 'storage'), source });
    const { dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries.find((e) => e.dir === dir)!;
    return { policy: fixture.policy, storage, entry };
  }

  const exists = async (database: string): Promise<boolean> => (await server.psql(`SELECT count(*) FROM pg_database WHERE datname = '${database}'`)) === '1\n';

  /** A database restored from the backup, then changed: what an in-place restore replaces. */
  async function damagedCopy(name: string, good: Awaited<ReturnType<typeof backup>>): Promise<void> {
    await restoreBackup({ entry: good.entry, storage: good.storage, policy: good.policy, target: appUrl(name), resolveSecret: identity });
    await server.psql(
      `DELETE FROM public.orders WHERE id % 3 = 0; UPDATE public.customers SET name = 'renamed'; DROP SCHEMA audit CASCADE; CREATE TABLE public.extra (x int); INSERT INTO public.extra VALUES (1);`,
      name,
    );
  }

  for (const [index, [what, breakEntry]] of broken.entries()) {
    it(`${what}: a new database is dropped again; an existing one keeps its content, whole or --only`, async () => {
      const good = await backup({ url: appUrl('shop') });
      const bad = breakEntry(good.entry);
      const restore = (target: string, options: { replace?: boolean; only?: string[] } = {}) =>
        restoreBackup({ entry: bad, storage: good.storage, policy: good.policy, target: appUrl(target), resolveSecret: identity, ...options });

      const fresh = `brand_new_${index}`;
      const live = `in_place_${index}`;
      await expect(restore(fresh)).rejects.toThrow(/does not match the manifest/);
      expect(await exists(fresh)).toBe(false);

      await damagedCopy(live, good);
      const before = await server.tableChecksums(live);
      await expect(restore(live, { replace: true })).rejects.toThrow(/does not match the manifest/);
      expect(await server.tableChecksums(live)).toEqual(before);
      // The table reload of --only (TRUNCATE + COPY) and a schema it would create.
      await expect(restore(live, { replace: true, only: ['public.orders'] })).rejects.toThrow(/does not match the manifest/);
      await expect(restore(live, { replace: true, only: ['audit'] })).rejects.toThrow(/does not match the manifest/);
      expect(await server.tableChecksums(live)).toEqual(before);
      expect(await server.psql(`SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'`, live)).toBe('0\n');
    });
  }

  it('a table early in the archive restores, although pg_restore stops reading long before the end', async () => {
    const good = await backup({ url: appUrl('shop') });
    await restoreBackup({ entry: good.entry, storage: good.storage, policy: good.policy, target: appUrl('early'), resolveSecret: identity });
    await server.psql(`UPDATE audit.log SET msg = 'changed'`, 'early');
    // audit.log's data precedes public.orders' in the archive.
    const restored = await restoreBackup({ entry: good.entry, storage: good.storage, policy: good.policy, target: appUrl('early'), replace: true, only: ['audit.log'], resolveSecret: identity });
    expect(restored.stats).toEqual({ databases: 1, tables: 1, rows: 120, 'rows:shop.audit.log': 120 });
    expect(await server.tableChecksums('early')).toEqual(await server.tableChecksums('shop'));
    // The large object came through the whole restore (its own BEGIN/COMMIT would have ended our transaction).
    expect(await server.psql(`SELECT convert_from(lo_get(oid), 'UTF8') FROM pg_largeobject_metadata`, 'early')).toBe('a large object\n');
  });

  it('a multi-database backup: no database is committed before the whole stream is verified', async () => {
    const good = await backup({ url: server.url('', 'app', PASSWORD).replace(/\/$/, ''), databases: ['shop', 'crm'] });
    const bad = broken[0]![1](good.entry);
    await expect(restoreBackup({ entry: bad, storage: good.storage, policy: good.policy, target: appUrl('multi'), resolveSecret: identity })).rejects.toThrow(
      /does not match the manifest/,
    );
    expect(await exists('multi_shop')).toBe(false);
    expect(await exists('multi_crm')).toBe(false);

    // Over existing databases (in place): the first database's restore must not have committed either.
    await restoreBackup({ entry: good.entry, storage: good.storage, policy: good.policy, target: appUrl('again'), resolveSecret: identity });
    await server.psql(`UPDATE public.customers SET name = 'changed'`, 'again_shop');
    await server.psql(`DELETE FROM contacts WHERE id > 10`, 'again_crm');
    const shopBefore = await server.tableChecksums('again_shop');
    const crmBefore = await server.tableChecksums('again_crm');
    await expect(restoreBackup({ entry: bad, storage: good.storage, policy: good.policy, target: appUrl('again'), replace: true, resolveSecret: identity })).rejects.toThrow(
      /does not match the manifest/,
    );
    expect(await server.tableChecksums('again_shop')).toEqual(shopBefore);
    expect(await server.tableChecksums('again_crm')).toEqual(crmBefore);

    // And the good backup still restores over them.
    const restored = await restoreBackup({ entry: good.entry, storage: good.storage, policy: good.policy, target: appUrl('again'), replace: true, resolveSecret: identity });
    expect(restored.stats).toEqual(good.entry.manifest.stats);
  });
});
