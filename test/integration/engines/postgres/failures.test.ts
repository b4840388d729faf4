// PostgreSQL failure paths against a private cluster: a backup SIGKILLed mid-dump leaves no backup (and no
// session on the server); an unreachable source, a wrong password and a dump error give clear errors that
// name host:port/database, never the password, and store nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { postgresEngine } from '../../../../src/engines/postgres/postgres-engine.js';
import { removeDebris, scanTier } from '../../../../src/observe/scan-tier.js';
import { freePort, POSTGRES_BINARIES, startPostgres, type PostgresServer } from '../../../helpers/postgres-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { killMidBackup, tempBytes, listAll } from '../../../helpers/kill-mid-backup.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { createOwner, identity, pgFixture, pgSingleSource, seedShop, type PgPolicyOptions } from './fixture.js';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const PLANTED = 'crash-S3cret-pw';
let server: PostgresServer;



const request = (url: string) => ({ name: 'db', source: { type: 'postgres' as const, url }, data: { source: 'db', sourceType: 'postgres' as const }, resolveSecret: identity });

describeWithBinaries(POSTGRES_BINARIES, 'postgres failures', () => {
  beforeAll(async () => {
    server = await startPostgres();
    await createOwner(server, 'app', PLANTED);
    await seedShop(server, 'shop', 'app', 40_000);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('SIGKILL mid-dump leaves only debris, and the server sees the dump session end', async () => {
    const work = await makeTempDir();
    const options: PgPolicyOptions = { storageRoot: join(work, 'storage'), source: { url: server.url('shop', 'app', PLANTED) }, compression: 'none' };
    const fixture = pgFixture(options);
    const { ended, killedAt, output } = await killMidBackup(
      ['--import', 'tsx', join(import.meta.dirname, '../../../helpers/throttled-backup-child.ts'), JSON.stringify({ fixture: pgSingleSource(options), throttleMs: 20 })],
      {
        cwd: repo,
        // A killed child cannot remove its passfile: keep it inside the test's temp dir.
        env: { ...process.env, TMPDIR: work },
        progress: () => tempBytes(fixture.root),
        atBytes: 512 << 10,
        // The dump is running: its snapshot-holding session is on the server right now.
        beforeKill: async () => {
          expect(await server.psql("SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'strata'")).toBe('t\n');
        },
      },
    );
    expect(ended, `child output:\n${output}`).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);
    expect(output).not.toMatch(/^done/m);

    const storage = fixture.storages.get('hot')!;
    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.entries).toEqual([]);
    expect(scan.debris).toHaveLength(1);
    expect(scan.debris[0]!.reason).toMatch(/no manifest/);
    await removeDebris(storage, scan.debris[0]!);
    expect(await listAll(storage)).toEqual([]);

    // Orphaned pg_dump dies on its broken pipe, the psql holding the snapshot on its closed stdin.
    const gone = Date.now() + 15_000;
    let sessions = '';
    while (Date.now() < gone) {
      sessions = await server.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'strata'");
      if (sessions === '0\n') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sessions).toBe('0\n');

    // The next backup works and counts every row.
    const { manifest } = await runBackup({ ...pgFixture(options), resolveSecret: identity });
    expect(manifest.stats['rows:shop.public.orders']).toBe(40_000);
  });

  it('an unreachable source (closed port) fails clearly, stores nothing, and probe says the same', async () => {
    const work = await makeTempDir();
    const port = await freePort();
    const url = `postgres://app:${PLANTED}@127.0.0.1:${port}/shop`;
    const fixture = pgFixture({ storageRoot: join(work, 'storage'), source: { url } });
    const error = await runBackup({ ...fixture, resolveSecret: identity }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(new RegExp(`^backup of test-system/critical/db to tier hot failed: postgres source "db": 127\\.0\\.0\\.1:${port}/shop: .*Connection refused`));
    expect(error?.message).not.toContain(PLANTED);
    expect(await listAll(fixture.storages.get('hot')!)).toEqual([]);
    await expect(postgresEngine.probe!(request(url))).rejects.toThrow(new RegExp(`^postgres source "db": 127\\.0\\.0\\.1:${port}/shop: .*Connection refused`));
  });

  it('a wrong password and a dump error (no read permission) are named, without the password', async () => {
    const wrong = 'Wr0ng-pw-planted';
    const probe = await postgresEngine.probe!(request(server.url('shop', 'app', wrong))).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(probe?.message).toMatch(/^postgres source "db": 127\.0\.0\.1:\d+\/shop: .*password authentication failed for user "app"/);
    expect(probe?.message).not.toContain(wrong);
    await postgresEngine.probe!(request(server.url('shop', 'app', PLANTED)));

    await server.psql(`CREATE TABLE public.secret_stuff (x int); REVOKE ALL ON public.secret_stuff FROM PUBLIC;`, 'shop');
    await createOwner(server, 'reader', PLANTED);
    await server.psql(
      'GRANT USAGE ON SCHEMA audit, "Odd Schema" TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA public, audit, "Odd Schema" TO reader; GRANT SELECT ON ALL SEQUENCES IN SCHEMA public, audit TO reader; REVOKE SELECT ON public.secret_stuff FROM reader;',
      'shop',
    );
    const work = await makeTempDir();
    const fixture = pgFixture({ storageRoot: join(work, 'storage'), source: { url: server.url('shop', 'reader', PLANTED) } });
    const error = await runBackup({ ...fixture, resolveSecret: identity }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/postgres source "db": 127\.0\.0\.1:\d+\/shop: pg_dump failed: .*permission denied for table secret_stuff/);
    expect(error?.message).not.toContain(PLANTED);
    expect(await listAll(fixture.storages.get('hot')!)).toEqual([]);
    // Excluding the table makes the same role's backup work.
    const narrowed = pgFixture({ storageRoot: join(work, 'storage2'), source: { url: server.url('shop', 'reader', PLANTED), exclude: ['public.secret_stuff'] } });
    const { manifest } = await runBackup({ ...narrowed, resolveSecret: identity });
    expect(Object.keys(manifest.stats).filter((k) => k.startsWith('rows:')).sort()).toEqual([
      'rows:shop.Odd Schema.Line Items',
      'rows:shop.audit.log',
      'rows:shop.public.customers',
      'rows:shop.public.orders',
    ]);
  });
});
