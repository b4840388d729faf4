// Disaster recovery onto a FRESH server: pg_dump holds no roles, so a backup whose tables are owned by `app`
// and granted to `reporting` cannot be restored as is onto a second, new cluster that has neither. Strata
// must refuse before writing anything (no database created, an existing one untouched), naming the roles
// and the ways forward; --no-owner (pg_restore --no-owner --no-privileges) must restore the same rows; and
// once the roles exist, a normal restore must keep the owner and the grant. Two real private clusters.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProgram } from '../../../../src/cli/main.js';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { POSTGRES_BINARIES, startPostgres, type PostgresServer } from '../../../helpers/postgres-server.js';
import { runCli } from '../../../helpers/run-cli.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { createOwner, identity, pgFixture, seedShop } from './fixture.js';

let source: PostgresServer;
let fresh: PostgresServer;
let original: Record<string, { rows: number; md5: string }>;
/** Backups live here for the whole file (the shop backup serves every test). */
let workRoot: string;

/** Relations in the user schemas of `database` (an untouched database has none). */
const userRelations = (server: PostgresServer, database: string): Promise<string> =>
  server.psql("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'", database);
const databaseCount = (server: PostgresServer, database: string): Promise<string> => server.psql(`SELECT count(*) FROM pg_database WHERE datname = '${database}'`);
const tableOwners = (server: PostgresServer, database: string): Promise<string> =>
  server.psql("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", database);

describeWithBinaries([...POSTGRES_BINARIES, 'zstd'], 'postgres restore onto a fresh server without the source roles', () => {
  beforeAll(async () => {
    workRoot = await mkdtemp(join(tmpdir(), 'strata-pg-fresh-'));
    [source, fresh] = await Promise.all([startPostgres(), startPostgres()]);
    await createOwner(source, 'app', 'app-pw');
    await seedShop(source, 'shop', 'app', 300);
    await source.psql('CREATE ROLE reporting;');
    await source.psql('GRANT USAGE ON SCHEMA audit TO reporting; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting; GRANT SELECT ON audit.log TO reporting;', 'shop');
    original = await source.tableChecksums('shop');
  });

  afterAll(async () => {
    await Promise.all([source?.stop(), fresh?.stop()]);
    if (workRoot) await rm(workRoot, { recursive: true, force: true });
  });

  async function backup(database: string) {
    const work = join(workRoot, database);
    const fixture = pgFixture({ storageRoot: join(work, 'storage'), source: { url: source.url(database) } });
    const result = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries[0]!;
    const restore = (target: string, options: { only?: string[]; noOwner?: boolean; replace?: boolean } = {}) =>
      restoreBackup({ entry, storage, policy: fixture.policy, target, resolveSecret: identity, ...options });
    return { work, result, restore };
  }

  let shop: ReturnType<typeof backup> | undefined;
  const shopBackup = (): ReturnType<typeof backup> => (shop ??= backup('shop'));

  it('refuses before writing: no database is created, an existing one stays untouched; the message names app and reporting', async () => {
    const { restore } = await shopBackup();
    const refused = /no roles app \(owner\), reporting \(privileges\), which the restored objects need\. Nothing was written\. Create them on the target first \(CREATE ROLE app; CREATE ROLE reporting;\), or replay the source's roles .*pg_dumpall --roles-only.*; or restore with --no-owner/;
    await expect(restore(fresh.url('shop'))).rejects.toThrow(refused);
    expect(await databaseCount(fresh, 'shop')).toBe('0\n');

    await fresh.psql('CREATE DATABASE existing;');
    await expect(restore(fresh.url('existing'))).rejects.toThrow(refused);
    // --only paths: one schema (pg_restore -n) and one missing table (pg_restore -n -t) need the roles too.
    await expect(restore(fresh.url('existing'), { only: ['audit'] })).rejects.toThrow(/no roles app \(owner\), reporting \(privileges\)/);
    await expect(restore(fresh.url('existing'), { only: ['public.orders'] })).rejects.toThrow(/no roles app \(owner\), reporting \(privileges\)/);
    expect(await userRelations(fresh, 'existing')).toBe('0\n');
    expect(await fresh.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'", 'existing')).toBe('0\n');
  });

  it('restores with noOwner: same rows and content, owned by the connecting user, no grants', async () => {
    const { result, restore } = await shopBackup();
    const restored = await restore(fresh.url('shop_no_owner'), { noOwner: true });
    expect(restored.stats).toEqual(result.manifest.stats);
    expect(await fresh.tableChecksums('shop_no_owner')).toEqual(original);
    expect(await tableOwners(fresh, 'shop_no_owner')).toBe('postgres\n');
    expect(await fresh.psql("SELECT count(*) FROM pg_class WHERE relacl IS NOT NULL AND relnamespace IN ('public'::regnamespace, 'audit'::regnamespace)", 'shop_no_owner')).toBe('0\n');
    // Reloading the rows of existing tables (--only a table, over that database) writes no owners or grants:
    // it needs no roles, so it is not refused although app and reporting are still missing.
    await fresh.psql('DELETE FROM public.orders WHERE id % 2 = 0;', 'shop_no_owner');
    const reloaded = await restore(fresh.url('shop_no_owner'), { only: ['public.orders'], replace: true });
    expect(reloaded.stats['rows:shop.public.orders']).toBe(300);
    expect((await fresh.tableChecksums('shop_no_owner'))['public.orders']).toEqual(original['public.orders']);
  });

  it('the CLI: `strata restore --to URL` is refused with the ways forward; `--no-owner` restores; --help lists it', async () => {
    const { work } = await shopBackup();
    const policy = join(work, 'policy.yaml');
    await writeFile(
      policy,
      `version: 1
system: test-system
sources:
  db: { type: postgres, url: "postgres://postgres:\${env:SOURCE_PG_PASSWORD}@127.0.0.1:${source.port}/shop" }
tiers:
  hot: { storage: { type: local, path: ${join(work, 'storage', 'hot')} } }
categories:
  critical:
    rpo: 1h
    rto: 1h
    data: [ { source: db } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 3 } } ]
`,
    );
    const env = { STRATA_POLICIES: policy, STRATA_STATE_DIR: join(work, 'state'), SOURCE_PG_PASSWORD: source.password, FRESH_PG_PASSWORD: fresh.password };
    const to = `postgres://postgres:\${env:FRESH_PG_PASSWORD}@127.0.0.1:${fresh.port}/cli_shop`;
    const refused = await runCli(['restore', 'critical', '--to', to], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/no roles app \(owner\), reporting \(privileges\).*Nothing was written.*--no-owner/);
    expect(await databaseCount(fresh, 'cli_shop')).toBe('0\n');

    const restored = await runCli(['restore', 'critical', '--to', to, '--no-owner', '--json'], env);
    expect(restored.stderr).not.toMatch(/error/i);
    expect(restored.code).toBe(0);
    expect(await fresh.tableChecksums('cli_shop')).toEqual(original);
    expect(await tableOwners(fresh, 'cli_shop')).toBe('postgres\n');
    for (const run of [refused, restored]) expect(run.stdout + run.stderr).not.toContain(fresh.password);

    const io = { out: () => undefined, err: () => undefined, color: false, interactive: false, exitCode: 0 };
    const help = createProgram(io).commands.find((c) => c.name() === 'restore')!.helpInformation();
    expect(help.replace(/\s+/g, ' ')).toMatch(/--no-owner PostgreSQL: restore without the dump's owners and grants \(pg_restore --no-owner --no-privileges\)/);
  });

  it('a row-level security policy TO a missing role is refused even with noOwner (--no-owner keeps policies)', async () => {
    await source.psql('CREATE DATABASE rls; CREATE ROLE auditor;');
    await source.psql('CREATE TABLE notes (id int, body text); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; CREATE POLICY audit_read ON notes FOR SELECT TO auditor USING (true); INSERT INTO notes VALUES (1, $$a$$);', 'rls');
    const { restore } = await backup('rls');
    await expect(restore(fresh.url('rls'), { noOwner: true })).rejects.toThrow(
      /no role auditor \(policy\), which the restored objects need even with --no-owner \(row-level security policies or user mappings name them\)\. Nothing was written\. Create it on the target first \(CREATE ROLE auditor;\)/,
    );
    await expect(restore(fresh.url('rls'))).rejects.toThrow(/no role auditor \(policy\).*--no-owner would not help for auditor/);
    expect(await databaseCount(fresh, 'rls')).toBe('0\n');
  });

  it('once the roles exist on the target, a normal restore keeps the owner and the grants', async () => {
    const { result, restore } = await shopBackup();
    await fresh.psql('CREATE ROLE app; CREATE ROLE reporting;');
    const restored = await restore(fresh.url('shop_owned'));
    expect(restored.stats).toEqual(result.manifest.stats);
    expect(await fresh.tableChecksums('shop_owned')).toEqual(original);
    expect(await tableOwners(fresh, 'shop_owned')).toBe('app\n');
    expect(await fresh.psql("SELECT has_table_privilege('reporting', 'public.orders', 'SELECT'), has_table_privilege('reporting', 'audit.log', 'SELECT')", 'shop_owned')).toBe('t|t\n');
  });
});
