// PostgreSQL backup → restore against a private cluster: a password-protected (scram) owner role, zstd + age,
// local storage. Row counts and content checksums must survive; the manual fallback with standard CLIs
// must give the same data; partial and over-the-original restores; and the password must show up nowhere.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import { POSTGRES_BINARIES, startPostgres, type PostgresServer } from '../../../helpers/postgres-server.js';
import { describeWithBinaries, requireBinary } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { createOwner, identity, pgFixture, seedShop, type PgFixture } from './fixture.js';
import { strataClientProcesses, type SeenProcess } from './proc-scan.js';

// Characters that need escaping in URLs (@ : / %) and passfiles (: \).
const PLANTED = 'Pl4nted:s3cr@t/pw%x\\y';
const ENCODED = encodeURIComponent(PLANTED);

let server: PostgresServer;
let original: Record<string, { rows: number; md5: string }>;

describeWithBinaries([...POSTGRES_BINARIES, 'createdb', 'age', 'age-keygen', 'zstd', 'bash'], 'postgres backup round trip', () => {
  beforeAll(async () => {
    server = await startPostgres();
    await createOwner(server, 'app', PLANTED);
    await seedShop(server, 'shop', 'app');
    original = await server.tableChecksums('shop');
  });

  afterAll(async () => {
    await server?.stop();
    if (sharedDir) await rm(sharedDir, { recursive: true, force: true });
  });

  const appUrl = (database: string): string => server.url(database, 'app', PLANTED);

  async function backup(options: { encrypt?: boolean; work?: string } = {}) {
    const work = options.work ?? (await makeTempDir());
    const key = await generateAgeKey(work);
    const fixture: PgFixture = pgFixture({ storageRoot: join(work, 'storage'), source: { url: appUrl('shop') }, recipients: options.encrypt === false ? [] : [key.recipient] });
    const result = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.debris).toEqual([]);
    return { work, key, fixture, result, storage, entry: scan.entries[0]! };
  }

  // One encrypted backup serves every test that only reads it (each test restores into its own database).
  // (makeTempDir's directories go after each test; this one stays until afterAll.)
  let shared: ReturnType<typeof backup> | undefined;
  let sharedDir: string | undefined;
  const sharedBackup = (): ReturnType<typeof backup> =>
    (shared ??= mkdtemp(join(tmpdir(), 'strata-pg-shared-')).then((work) => {
      sharedDir = work;
      return backup({ work });
    }));

  function expectedStats(checksums: Record<string, { rows: number }>, database = 'shop') {
    const stats: Record<string, number> = { databases: 1, tables: 0, rows: 0 };
    for (const [name, { rows }] of Object.entries(checksums)) {
      stats[`rows:${database}.${name}`] = rows;
      stats.tables! += 1;
      stats.rows! += rows;
    }
    return stats;
  }

  it('backs up and restores into a fresh database: same rows, same content; the password is on no argv, env, manifest', async () => {
    // Hold a lock pg_dump must wait for, so its process is certainly alive while /proc is inspected.
    const locker = spawn(requireBinary('psql')!, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', 'shop'], {
      env: { ...process.env, PGPASSWORD: server.password, PGAPPNAME: 'locker' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const locked = new Promise((resolve) => locker.stdout.once('data', resolve));
    locker.stdin.write('BEGIN; LOCK TABLE audit.log IN ACCESS EXCLUSIVE MODE; SELECT 1;\n');
    await locked;
    const running = backup();
    running.catch(() => undefined);
    const seen = new Map<number, SeenProcess>();
    const deadline = Date.now() + 30_000;
    const names = (): (string | undefined)[] => [...seen.values()].map((p) => p.argv[0]!.split('/').pop());
    while (Date.now() < deadline && !(names().includes('pg_dump') && names().includes('psql'))) {
      for (const p of await strataClientProcesses()) seen.set(p.pid, p);
      await new Promise((r) => setTimeout(r, 20));
    }
    locker.stdin.end('COMMIT;\n');
    const { work, key, result, storage, entry } = await running;
    const passfiles = [...seen.values()].flatMap((p) => p.env.filter((e) => e.startsWith('PGPASSFILE=')).map((e) => e.slice('PGPASSFILE='.length)));
    // The check cannot pass vacuously: pg_dump and the snapshot-holding psql were caught running.
    expect(names()).toContain('pg_dump');
    expect(names()).toContain('psql');
    for (const p of seen.values()) {
      const text = [...p.argv, ...p.env].join('\n');
      expect(text).not.toContain(PLANTED);
      expect(text).not.toContain(ENCODED);
      expect(text).not.toContain('s3cr@t');
      expect(p.env.some((e) => e.startsWith('PGPASSWORD='))).toBe(false);
    }
    const dumpArgv = [...seen.values()].find((p) => p.argv[0]!.endsWith('pg_dump'))!.argv;
    expect(dumpArgv).toEqual(expect.arrayContaining(['--format=custom', '--compress=0', '--no-password']));
    expect(dumpArgv.some((a) => a.startsWith('--snapshot='))).toBe(true);
    expect(passfiles.length).toBeGreaterThan(0);
    for (const file of new Set(passfiles)) await expect(stat(file)).rejects.toThrow(/ENOENT/); // removed after the backup

    const { manifest } = result;
    expect(manifest.artifact).toBe('data.pgdump.zst.age');
    expect(manifest.codecs).toEqual({ format: 'pgdump', compression: 'zstd', compressionLevel: 3, encryption: 'age' });
    expect(manifest.stats).toEqual(expectedStats(original));
    expect(manifest.stats['rows:shop.public.orders']).toBe(2000);
    expect(manifest.stats['rows:shop.Odd Schema.Line Items']).toBe(7);
    const manifestText = await readFile(join(work, 'storage', 'hot', result.dir, 'manifest.json'), 'utf8');
    expect(manifestText).not.toContain(PLANTED);
    expect(manifestText).not.toContain(ENCODED);

    const restored = await restoreBackup({ entry, storage, policy: pgFixture({ storageRoot: work, source: { url: appUrl('shop') } }).policy, target: appUrl('shop_copy'), identityFile: key.identityFile, resolveSecret: identity });
    expect(restored.stats).toEqual(manifest.stats);
    expect(await server.tableChecksums('shop_copy')).toEqual(original);
    expect(await server.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop_copy'")).toBe('app\n');
    expect(await server.psql('SELECT count(*) FROM public.big_orders', 'shop_copy')).toBe(`${await server.psql('SELECT count(*) FROM public.big_orders', 'shop')}`);
  });

  it('opens with standard CLIs only: age -d | zstd -d > db.dump; pg_restore -d newdb db.dump', async () => {
    const { work, key, result } = await sharedBackup();
    const artifact = join(work, 'storage', 'hot', result.dir, result.manifest.artifact);
    const dump = join(work, 'db.dump');
    await runCommand('bash', ['-o', 'pipefail', '-c', 'age -d -i "$1" "$2" | zstd -d > "$3"', 'manual', key.identityFile, artifact, dump]);
    const env = { PGHOST: server.host, PGPORT: String(server.port), PGUSER: 'postgres', PGPASSWORD: server.password };
    await runCommand(requireBinary('createdb')!, ['manual'], { env });
    await runCommand(requireBinary('pg_restore')!, ['-d', 'manual', dump], { env });
    expect(await server.tableChecksums('manual')).toEqual(original);
    const list = await runCommand(requireBinary('pg_restore')!, ['-l', dump]);
    expect(list.stdout).toMatch(/dbname: shop/);
  });

  it('restores one table, or one schema, over the live database; other tables stay as they are', async () => {
    const { work, key, entry, storage } = await sharedBackup();
    const policy = pgFixture({ storageRoot: work, source: { url: appUrl('shop') } }).policy;
    const restore = (only: string[] | undefined) =>
      restoreBackup({ entry, storage, policy, target: appUrl('live'), identityFile: key.identityFile, resolveSecret: identity, replace: true, ...(only ? { only } : {}) });
    await restore(undefined);
    // Damage: lose and change orders, add a log line, rename a customer.
    await server.psql(
      `DELETE FROM public.orders WHERE id % 3 = 0; UPDATE public.orders SET note = 'oops'; INSERT INTO audit.log (msg) VALUES ('after backup'); UPDATE public.customers SET name = 'renamed' WHERE id = 1;`,
      'live',
    );
    const table = await restore(['public.orders']);
    expect(table.stats).toEqual({ databases: 1, tables: 1, rows: 2000, 'rows:shop.public.orders': 2000 });
    const after = await server.tableChecksums('live');
    expect(after['public.orders']).toEqual(original['public.orders']);
    expect(after['audit.log']!.rows).toBe(121);
    expect(after['public.customers']).not.toEqual(original['public.customers']);
    // The live table kept its primary key, its default and its sequence (rows were reloaded, the table not recreated).
    expect(await server.psql("SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.orders'::regclass AND contype IN ('p', 'f')", 'live')).toBe('2\n');
    expect(await server.psql("INSERT INTO public.orders (customer) VALUES (1) RETURNING id > 2000", 'live')).toBe('t\n');
    await server.psql("DELETE FROM public.orders WHERE id > 2000", 'live');

    const schema = await restore(['audit']);
    expect(schema.stats).toEqual({ databases: 1, tables: 1, rows: 120, 'rows:shop.audit.log': 120 });
    expect((await server.tableChecksums('live'))['audit.log']).toEqual(original['audit.log']);
  });

  it('restores the whole backup over the original with --clean --if-exists, all or nothing', async () => {
    const { work, key, entry, storage } = await sharedBackup();
    const policy = pgFixture({ storageRoot: work, source: { url: appUrl('shop') } }).policy;
    const restore = (replace = true) => restoreBackup({ entry, storage, policy, target: appUrl('clobber'), identityFile: key.identityFile, resolveSecret: identity, replace });
    await restore(false); // a new database
    // Without `replace` (an alternate target, not the live source), a database holding the tables is refused.
    await expect(restore(false)).rejects.toThrow(
      /127\.0\.0\.1:\d+\/clobber: the database already holds Odd Schema\.Line Items, audit\.log, public\.big_orders, public\.customers, public\.orders, …; restore into a new/,
    );
    await server.psql(`DROP TABLE audit.log; TRUNCATE public.orders; CREATE TABLE public.extra (x int); INSERT INTO public.extra VALUES (1);`, 'clobber');
    const result = await restore();
    expect(result.stats).toEqual(expectedStats(original));
    const after = await server.tableChecksums('clobber');
    const { ['public.extra']: extra, ...dumped } = after;
    expect(dumped).toEqual(original);
    expect(extra?.rows).toBe(1); // objects the dump does not hold are left alone

    // A restore that fails half-way changes nothing: a table the dump recreates is locked by a view of our own.
    await server.psql(`CREATE VIEW public.blocker AS SELECT * FROM public.customers; UPDATE public.customers SET name = 'kept';`, 'clobber');
    await expect(restore()).rejects.toThrow(/127\.0\.0\.1:\d+\/clobber: pg_restore failed, nothing was changed .*depend/);
    expect(await server.psql("SELECT count(*) FROM public.customers WHERE name = 'kept'", 'clobber')).toBe('50\n');
  });

  it('restore test: restores into a scratch database, compares row counts, drops the scratch database', async () => {
    const { work, key, entry, storage } = await sharedBackup();
    const policy = pgFixture({ storageRoot: work, source: { url: appUrl('shop') } }).policy;
    const record = await restoreTest({ entry, storage, policy, identityFile: key.identityFile, resolveSecret: identity });
    expect(record.details).toEqual([]);
    expect(record.ok).toBe(true);
    expect(JSON.stringify(record)).not.toContain(PLANTED);
    expect(await server.psql("SELECT count(*) FROM pg_database WHERE datname LIKE 'strata_restore_test_%'")).toBe('0\n');

    // And it fails when the data does not match: a restore test of a backup whose manifest claims other counts.
    const tampered = { ...entry, manifest: { ...entry.manifest, stats: { ...entry.manifest.stats, 'rows:shop.public.orders': 1999 } } };
    const bad = await restoreTest({ entry: tampered, storage, policy, identityFile: key.identityFile, resolveSecret: identity });
    expect(bad.ok).toBe(false);
    expect(bad.details).toEqual(['rows:shop.public.orders: expected 1999, restored 2000']);
  });
});
