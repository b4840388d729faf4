// A restore test killed midway leaves a scratch database on the source's server (PostgreSQL) or a
// running scratch redis-server (Redis), and a scratch directory. The scratch journal in the state dir
// remembers them: the next plan lists them ("- scratch"), apply drops the database or stops the server and
// removes the directory, and the plan after that is clean. Real servers, a real SIGKILL of a CLI process,
// no credentials in the journal or the plan.
import { access, mkdir, mkdtemp, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMidBackup } from '../../helpers/kill-mid-backup.js';
import { removeTree } from '../../../src/backup/remove-tree.js';
import { isProcessAlive } from '../../../src/exec/process-alive.js';
import { REDIS_BINARIES, startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { POSTGRES_BINARIES, startPostgres, type PostgresServer } from '../../helpers/postgres-server.js';
import { runCli } from '../../helpers/run-cli.js';
import { requireBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const bins = requireBinaries([...POSTGRES_BINARIES, 'zstd'], 'scratch leftovers of a killed restore test');
const redisBins = requireBinaries([...REDIS_BINARIES, 'zstd'], 'scratch redis-server of a killed restore test');
const repo = join(import.meta.dirname, '..', '..', '..');
const PASSWORD = 'pg-PLANTED-scratch-5e1d';

async function scratchDatabases(server: PostgresServer): Promise<string[]> {
  const out = await server.psql("SELECT datname FROM pg_database WHERE datname LIKE 'strata_restore_test_%' ORDER BY 1");
  return out.split('\n').filter((line) => line.trim() !== '');
}

async function journalFiles(stateDir: string): Promise<string[]> {
  return (await readdir(join(stateDir, 'scratch')).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
}

interface JournalRecord {
  dir: string;
  handle?: { description: string; data: Record<string, string> };
}

async function journalRecords(stateDir: string): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  for (const name of await journalFiles(stateDir)) {
    records.push(JSON.parse(await readFile(join(stateDir, 'scratch', name), 'utf8')) as JournalRecord);
  }
  return records;
}

/** `strata ARGS` (default: apply --yes) in a child process, SIGKILLed as soon as `ready()` holds. */
async function killCliWhen(root: string, env: Record<string, string>, ready: () => Promise<boolean>, args = ['apply', '--yes', '--progress', 'plain']) {
  // tsx by path: the child runs in the policy's directory, outside the repository.
  const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
  return killMidBackup(['--import', tsx, join(repo, 'test/helpers/cli-child.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    progress: async () => ((await ready()) ? 1 : 0),
    atBytes: 1,
    pollMs: 20,
    timeoutMs: 90_000,
  });
}

function policyYaml(system: string, source: string): string {
  return `version: 1
system: ${system}
sources:
${source}
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
categories:
  orders:
    rpo: 1h
    rto: 30m
    data: [ { source: shop } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 3 } }, { tier: offsite, keep: { last: 3 } } ]
    verify: { checksum: never, restore_test: daily }
`;
}

function scratchActions(planJson: string) {
  const actions = (JSON.parse(planJson) as { actions: { type: string; op: string; description?: string; reason: string }[] }).actions;
  return actions.filter((a) => a.type === 'scratch');
}

describe.skipIf(bins.skip)('scratch left by a killed restore test', () => {
  let server: PostgresServer;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startPostgres({ password: PASSWORD });
    // Enough rows that the restore into the scratch database takes a moment to kill it in.
    await server.psql('CREATE DATABASE shop');
    await server.psql("CREATE TABLE orders AS SELECT g AS id, md5(g::text) || repeat('x', 200) AS note FROM generate_series(1, 400000) g", 'shop');
    root = await makeTempDir();
    await writeFile(join(root, 'policy.yaml'), policyYaml('shopsys', `  shop: { type: postgres, url: "postgres://postgres:\${env:PG_PASSWORD}@127.0.0.1:${server.port}/shop" }`));
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state'), PG_PASSWORD: PASSWORD };
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('is journaled, planned as "- scratch", removed by apply, and the next plan is clean', async () => {
    // apply: backup, copy, then the first restore test; killed once its scratch database exists.
    const killed = await killCliWhen(root, env, async () => (await journalFiles(env.STRATA_STATE_DIR!)).length > 0 && (await scratchDatabases(server)).length > 0);
    expect(killed.ended, killed.output).toBe('SIGKILL');
    const leftDatabases = await scratchDatabases(server);
    expect(leftDatabases).toHaveLength(1);
    const [record] = await journalRecords(env.STRATA_STATE_DIR!);
    expect(record!.handle!.description).toContain(leftDatabases[0]);
    await access(record!.dir);

    const plan = await runCli(['plan', '--json'], env);
    const scratch = scratchActions(plan.stdout);
    expect(scratch).toHaveLength(1);
    expect(scratch[0]).toMatchObject({ op: 'delete' });
    expect(scratch[0]!.description).toContain(`${leftDatabases[0]}*`);
    expect(scratch[0]!.description).toContain(record!.dir);
    expect(scratch[0]!.reason).toMatch(/interrupted at \d{4}-/);
    const text = await runCli(['plan'], env);
    expect(text.stdout).toMatch(/- scratch +orders\/shop: scratch databases strata_restore_test_\w+\* on 127\.0\.0\.1:\d+ and scratch directory /);

    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(await scratchDatabases(server)).toEqual([]);
    await expect(access(record!.dir)).rejects.toThrow();
    expect(await journalFiles(env.STRATA_STATE_DIR!)).toEqual([]);
    const after = await runCli(['plan', '--json'], env);
    expect(scratchActions(after.stdout)).toEqual([]);

    for (const output of [killed.output, plan.stdout, text.stdout, applied.stdout, applied.stderr, await readFile(join(env.STRATA_STATE_DIR!, 'runs.jsonl'), 'utf8').catch(() => '')]) {
      expect(output).not.toContain(PASSWORD);
    }
    expect(JSON.stringify(record)).not.toContain(PASSWORD);
  });
});

describe.skipIf(redisBins.skip)('scratch redis-server left by a killed restore test', () => {
  let server: TestRedis;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startTestRedis({ config: ['repl-diskless-sync-delay 0', 'enable-debug-command yes'] });
    // Enough keys that loading them into the scratch server takes a moment to kill it in.
    const client = await server.client();
    await client.call('DEBUG', 'POPULATE', '400000', 'key', '64');
    // The tests below share the backup, so the directory lives for the whole suite.
    root = await mkdtemp(join(tmpdir(), 'strata-scratch-redis-'));
    await writeFile(join(root, 'policy.yaml'), policyYaml('cachesys', `  shop: { type: redis, url: "redis://127.0.0.1:${server.port}/0", mode: rdb }`));
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (root) await removeTree(root);
  });

  it('is journaled with its pid, planned, and stopped by apply', async () => {
    const withHandle = async () => (await journalRecords(env.STRATA_STATE_DIR!)).some((r) => r.handle !== undefined);
    const killed = await killCliWhen(root, env, withHandle);
    expect(killed.ended, killed.output).toBe('SIGKILL');
    const [record] = await journalRecords(env.STRATA_STATE_DIR!);
    const pid = Number(record!.handle!.data.pid);
    expect(isProcessAlive(pid)).toBe(true);

    const plan = await runCli(['plan'], env);
    expect(plan.stdout).toContain(`- scratch  orders/shop: scratch redis-server (pid ${pid}, 127.0.0.1:`);
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(isProcessAlive(pid)).toBe(false);
    await expect(access(record!.dir)).rejects.toThrow();
    expect(await journalFiles(env.STRATA_STATE_DIR!)).toEqual([]);
  });

  it('a killed restore to a URL leaves its RDB copy and loader server, and the next restore removes them', async () => {
    const target = await startTestRedis();
    const tmp = join(root, 'tmp');
    await mkdir(tmp);
    const restoreEnv = { ...env, TMPDIR: tmp };
    const loaderDirs = async () => (await readdir(tmp)).filter((n) => n.startsWith('strata-redis-restore-')).map((n) => join(tmp, n));
    try {
      const loading = async () => (await Promise.all((await loaderDirs()).map((d) => access(join(d, 'redis.log')).then(() => true, () => false)))).includes(true);
      const killed = await killCliWhen(root, restoreEnv, loading, ['restore', 'orders', '--to', `redis://127.0.0.1:${target.port}`, '--yes']);
      expect(killed.ended, killed.output).toBe('SIGKILL');
      const [orphan] = await loaderDirs();
      const pidOf = async (): Promise<number | undefined> => {
        for (const name of await readdir('/proc')) {
          if (!/^\d+$/.test(name)) continue;
          if ((await readlink(`/proc/${name}/cwd`).catch(() => '')) === orphan) return Number(name);
        }
        return undefined;
      };
      const loader = await pidOf();
      expect(loader, 'the loader redis-server outlived the killed restore').toBeDefined();

      const restored = await runCli(['restore', 'orders', '--to', `redis://127.0.0.1:${target.port}`, '--yes'], restoreEnv);
      expect(restored.code, restored.stderr).toBe(0);
      expect(await (await target.client()).dbsize()).toBe(400_000);
      expect(isProcessAlive(loader!)).toBe(false);
      expect(await loaderDirs()).toEqual([]);
    } finally {
      await target.stop();
    }
  });
});
