// A source with several databases: one tar of per-database dump parts (format pgdump.tar), each database
// dumped in its own snapshot; restored whole (to <target>_<db>), one database alone, by a restore test,
// and by hand with tar + cat + pg_restore.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { POSTGRES_BINARIES, startPostgres, type PostgresServer } from '../../../helpers/postgres-server.js';
import { describeWithBinaries, requireBinary } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { createOwner, identity, pgFixture, seedShop } from './fixture.js';

const PASSWORD = 'multi-db-pw';
let server: PostgresServer;
let shop: Record<string, { rows: number; md5: string }>;
let crm: Record<string, { rows: number; md5: string }>;

describeWithBinaries([...POSTGRES_BINARIES, 'createdb', 'zstd', 'tar', 'bash'], 'postgres multi-database backup', () => {
  beforeAll(async () => {
    server = await startPostgres();
    await createOwner(server, 'app', PASSWORD);
    await seedShop(server, 'shop', 'app', 300);
    await server.psql(`CREATE DATABASE crm OWNER app;`);
    await server.psql(`SET ROLE app; CREATE TABLE contacts (id int PRIMARY KEY, email text); INSERT INTO contacts SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 42) g;`, 'crm');
    shop = await server.tableChecksums('shop');
    crm = await server.tableChecksums('crm');
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function backup() {
    const work = await makeTempDir();
    // The URL names no database: `databases` decides.
    const fixture = pgFixture({ storageRoot: join(work, 'storage'), source: { url: server.url('', 'app', PASSWORD).replace(/\/$/, ''), databases: ['shop', 'crm'] } });
    const result = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries[0]!;
    return { work, fixture, result, storage, entry };
  }

  it('backs up both databases into one tar and restores them to <target>_<db>, or one of them alone', async () => {
    const { fixture, result, storage, entry } = await backup();
    expect(result.manifest.artifact).toBe('data.pgdump.tar.zst');
    expect(result.manifest.codecs.format).toBe('pgdump.tar');
    expect(result.manifest.stats).toMatchObject({ databases: 2, tables: 5, rows: 300 + 50 + 120 + 7 + 42, 'rows:crm.public.contacts': 42, 'rows:shop.public.orders': 300 });

    const all = await restoreBackup({ entry, storage, policy: fixture.policy, target: server.url('copy', 'app', PASSWORD), resolveSecret: identity });
    expect(all.stats).toEqual(result.manifest.stats);
    expect(await server.tableChecksums('copy_shop')).toEqual(shop);
    expect(await server.tableChecksums('copy_crm')).toEqual(crm);

    const one = await restoreBackup({ entry, storage, policy: fixture.policy, target: server.url('just_crm', 'app', PASSWORD), only: ['crm'], resolveSecret: identity });
    expect(one.stats).toEqual({ databases: 1, tables: 1, rows: 42, 'rows:crm.public.contacts': 42 });
    expect(await server.tableChecksums('just_crm')).toEqual(crm);

    await expect(
      restoreBackup({ entry, storage, policy: fixture.policy, target: server.url('nothing', 'app', PASSWORD), only: ['hr'], resolveSecret: identity }),
    ).rejects.toThrow(/the backup holds no database hr/);

    const record = await restoreTest({ entry, storage, policy: fixture.policy, resolveSecret: identity });
    expect(record.details).toEqual([]);
    expect(record.ok).toBe(true);
    expect(await server.psql("SELECT count(*) FROM pg_database WHERE datname LIKE 'strata_restore_test_%'")).toBe('0\n');
  });

  it('opens with standard CLIs: zstd -d | tar -x, cat <db>.dump.* | pg_restore', async () => {
    const { work, result } = await backup();
    const out = join(work, 'out');
    const artifact = join(work, 'storage', 'hot', result.dir, result.manifest.artifact);
    await runCommand('bash', ['-o', 'pipefail', '-c', 'mkdir -p "$2" && zstd -d < "$1" | tar -x -C "$2"', 'manual', artifact, out]);
    expect((await readdir(out)).sort()).toEqual(['crm.dump.000000', 'shop.dump.000000']);
    const env = { PGHOST: server.host, PGPORT: String(server.port), PGUSER: 'postgres', PGPASSWORD: server.password };
    await runCommand(requireBinary('createdb')!, ['by_hand'], { env });
    await runCommand('bash', ['-o', 'pipefail', '-c', 'cat "$1"/shop.dump.* | "$2" -d by_hand', 'manual', out, requireBinary('pg_restore')!], { env });
    expect(await server.tableChecksums('by_hand')).toEqual(shop);
  });
});
