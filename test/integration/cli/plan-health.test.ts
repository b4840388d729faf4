// Issue 8 item 6 through the CLI, on real servers: every plan shows the health of every source and tier, in
// every format; a source that went down is a problem even when no backup is due (plan used to say "No changes."
// until the next scheduled backup), and `plan --detailed-exitcode` exits 1 for it. An S3 tier on a closed port
// is unreachable the same way. And plan is read-only: it writes nothing anywhere.
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthCheck, Plan } from '../../../src/plan/plan-model.js';
import { REDIS_BINARIES, startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { runCli, type CliRun } from '../../helpers/run-cli.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries(REDIS_BINARIES, 'plan health on redis');

/** Every path under root with its size, mtime and ctime in full precision and a content hash: any write shows. */
async function fingerprint(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const info = await lstat(path);
      const hash = info.isFile() ? createHash('sha256').update(await readFile(path)).digest('hex') : '';
      out.push(`${path.slice(root.length)} ${info.mode} ${info.size} ${info.mtimeMs} ${info.ctimeMs} ${hash}`);
      if (info.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function health(run: CliRun): Record<string, Pick<HealthCheck, 'status' | 'detail'>> {
  const plan = JSON.parse(run.stdout) as Plan;
  return Object.fromEntries(plan.health.map((h) => [`${h.kind} ${h.name}`, { status: h.status, detail: h.detail }]));
}

/** Every plan format and exit-code mode, as PR CI and operators run them. */
const PLAN_RUNS = [['plan'], ['plan', '--detailed-exitcode'], ['plan', '--json'], ['plan', '--markdown'], ['plan', '--format', 'github', '--detailed-exitcode'], ['plan', '-v']];

describe.skipIf(bins.skip)('plan shows the health of every source and tier (real redis-server)', () => {
  let root: string;
  let live: TestRedis;
  let dead: TestRedis;
  let env: Record<string, string>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-plan-health-'));
    live = await startTestRedis({ config: ['repl-diskless-sync-delay 0'] });
    dead = await startTestRedis({ config: ['repl-diskless-sync-delay 0'] });
    for (const server of [live, dead]) await (await server.client()).set('k', 'v');
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', 'index.html'), 'hello\n');
    // A yearly schedule with a matching RPO: once backed up, nothing is due for the rest of the test.
    const category = (source: string) => `
    rpo: 60w
    rto: 1h
    data: [ { source: ${source} } ]
    schedule: { full: "0 0 1 1 *" }
    copies: [ { tier: hot, keep: { last: 2 } }, { tier: offsite, keep: { last: 2 } } ]
    verify: { checksum: every-backup, restore_test: never }`;
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: healthy
sources:
  live: { type: redis, url: "redis://127.0.0.1:${live.port}/0" }
  dead: { type: redis, url: "redis://127.0.0.1:${dead.port}/0" }
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
defaults: { compression: gzip }
categories:
  cache:${category('live')}
  sessions:${category('dead')}
  web:${category('site')}
`,
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await live?.stop();
    await dead?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('with every source up: every source and tier is reachable, no changes, exit 0', async () => {
    const text = await runCli(['plan', '--detailed-exitcode'], env);
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain('No changes.');
    expect(text.stdout).toMatch(/^ {2}reachable {4}healthy source live \(redis\): answered the redis probe$/m);
    expect(health(await runCli(['plan', '--json'], env))).toEqual({
      'source dead': { status: 'reachable', detail: 'answered the redis probe' },
      'source live': { status: 'reachable', detail: 'answered the redis probe' },
      'source site': { status: 'reachable', detail: 'every path is readable' },
      'tier hot': { status: 'reachable', detail: 'listed: 3 backups' },
      'tier offsite': { status: 'reachable', detail: 'listed: 3 backups' },
    });
  });

  it('with one redis-server stopped and no backup due: the source is unreachable, a problem, and exit 1', async () => {
    await dead.stop();
    const text = await runCli(['plan', '--detailed-exitcode'], env);
    expect(text.code, text.stdout + text.stderr).toBe(1);
    expect(text.stdout).not.toContain('No changes.');
    expect(text.stdout).toMatch(new RegExp(`^ {2}UNREACHABLE {2}healthy source dead \\(redis\\): .*127\\.0\\.0\\.1:${dead.port}`, 'm'));
    expect(text.stdout).toMatch(/^ {2}reachable {4}healthy source live \(redis\)/m);
    expect(text.stdout).toMatch(/! healthy\/dead: source dead \(redis\) is unreachable: /);

    const json = JSON.parse((await runCli(['plan', '--json'], env)).stdout) as Plan;
    expect(json.format_version).toBe('1.1');
    expect(json.actions.filter((a) => a.type === 'backup')).toEqual([]);
    expect(json.health.find((h) => h.name === 'dead')).toMatchObject({ system: 'healthy', kind: 'source', type: 'redis', status: 'unreachable' });
    expect(json.health.find((h) => h.name === 'live')).toMatchObject({ status: 'reachable' });
    expect(json.problems).toEqual([expect.objectContaining({ source: 'dead', message: expect.stringContaining(`127.0.0.1:${dead.port}`) })]);

    const markdown = await runCli(['plan', '--markdown', '--detailed-exitcode'], env);
    expect(markdown.code).toBe(1);
    const lines = markdown.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['## Strata plan', '', '### ⛔ 1 problem: these parts of the plan cannot run']);
    expect(lines[4]).toMatch(/^- ⚠️ `healthy\/dead`: source dead \(redis\) is unreachable/);
    expect(markdown.stdout).toMatch(/\| ❌ \| `healthy` \| source `dead` \(redis\) \| \*\*UNREACHABLE\*\* \|/);

    const github = await runCli(['plan', '--format', 'github', '--detailed-exitcode'], env);
    expect(github.code).toBe(1);
    expect(github.stdout.split('\n')[0]).toMatch(/^::error title=strata plan%3A healthy\/dead::source dead \(redis\) is unreachable: /);
    expect(github.stdout).toContain('::notice title=strata plan::No changes. 1 problem.');

    // apply has nothing it can do, but it must not report success while a source is down.
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(1);
    expect(applied.stderr).toContain('Apply could not run every part of the plan: 1 problem (listed above).');
  });

  it('writes nothing, in any format (plan is read-only)', async () => {
    const before = await fingerprint(root);
    expect(before.length).toBeGreaterThan(20);
    for (const args of PLAN_RUNS) expect((await runCli(args, env)).code).toBeLessThan(3);
    expect(await fingerprint(root)).toEqual(before);
  });
});

describe('plan shows an S3 tier on a closed port as unreachable', () => {
  let root: string;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-plan-s3-down-'));
    port = await closedPort();
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', 'a.txt'), 'alpha\n');
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: s3down
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  warm: { storage: { type: s3, bucket: strata-nowhere, prefix: warm/, endpoint: "http://127.0.0.1:${port}", force_path_style: true, region: us-east-1 } }
defaults: { compression: gzip }
categories:
  web:
    rpo: 1h
    rto: 1h
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 1 } }, { tier: warm, keep: { last: 1 } } ]
`,
    );
    // Credentials only so the SDK gets as far as the network (nothing listens there); never used for real.
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state'), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('names the tier, its location and the error, and --detailed-exitcode exits 1', async () => {
    const text = await runCli(['plan', '--detailed-exitcode'], env);
    expect(text.code, text.stdout + text.stderr).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^ {2}UNREACHABLE {2}s3down tier warm \\(s3 s3://strata-nowhere/warm/\\): .*ECONNREFUSED.*127\\.0\\.0\\.1:${port}`, 'm'));
    expect(text.stdout).toMatch(/^ {2}reachable {4}s3down tier hot \(local .*\/store\/hot\): .*does not exist yet; the first backup creates it$/m);
    const json = JSON.parse((await runCli(['plan', '--json'], env)).stdout) as Plan;
    expect(json.health.find((h) => h.name === 'warm')).toMatchObject({ kind: 'tier', type: 's3', status: 'unreachable', location: 's3://strata-nowhere/warm/' });
    expect(json.problems.some((p) => p.tier === 'warm')).toBe(true);
    const markdown = (await runCli(['plan', '--markdown'], env)).stdout;
    expect(markdown.split('\n')[2]).toMatch(/^### ⛔ \d problems?: these parts of the plan cannot run$/);
    expect(markdown).toMatch(/\| ❌ \| `s3down` \| tier `warm` \(s3 s3:\/\/strata-nowhere\/warm\/\) \| \*\*UNREACHABLE\*\* \|/);
  }, 60_000);

  it('writes nothing on a fresh machine: no state dir, no tier directory', async () => {
    const before = await fingerprint(root);
    for (const args of PLAN_RUNS) expect((await runCli(args, env)).code).toBeLessThan(3);
    expect(await fingerprint(root)).toEqual(before);
  }, 60_000);
});

describe('plan checks that a local tier can be written, without writing', () => {
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-plan-local-tier-'));
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', 'a.txt'), 'alpha\n');
    // hot is a file where a directory should be; offsite lies below that file, so it cannot be created.
    await writeFile(join(root, 'not-a-dir'), 'x\n');
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: localbad
sources:
  site: { type: files, paths: [./data] }
  gone: { type: files, paths: [./missing] }
  vault: { type: redis, url: "redis://:\${env:STRATA_TEST_UNSET_PASSWORD}@127.0.0.1:1/0" }
tiers:
  hot: { storage: { type: local, path: ./not-a-dir } }
  offsite: { storage: { type: local, path: ./not-a-dir/offsite }, offsite: true }
  spare: { storage: { type: local, path: ./store/spare } }
defaults: { compression: gzip }
categories:
  web:
    rpo: 1h
    rto: 1h
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 1 } }, { tier: offsite, keep: { last: 1 } }, { tier: spare, keep: { last: 1 } } ]
`,
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('says a source whose secret is not set here was not checked, and why; that alone is no problem', async () => {
    const json = JSON.parse((await runCli(['plan', '--json'], { ...env, STRATA_TEST_UNSET_PASSWORD: undefined })).stdout) as Plan;
    expect(json.health.find((h) => h.name === 'vault')).toMatchObject({ status: 'not-checked', detail: expect.stringContaining('environment variable STRATA_TEST_UNSET_PASSWORD is not set') });
    expect(json.problems.some((p) => p.source === 'vault')).toBe(false);
  });

  it('reports a tier that is a file, or lies below one, and a files source whose path is gone', async () => {
    const before = await fingerprint(root);
    const json = JSON.parse((await runCli(['plan', '--json'], env)).stdout) as Plan;
    const byName = Object.fromEntries(json.health.map((h) => [h.name, h]));
    expect(byName.hot).toMatchObject({ status: 'unreachable', detail: `${join(root, 'not-a-dir')} is not a directory` });
    expect(byName.offsite).toMatchObject({ status: 'unreachable', detail: expect.stringMatching(/does not exist and cannot be created: .*not-a-dir is not a directory$/) });
    expect(byName.spare).toMatchObject({ status: 'reachable', detail: 'the directory does not exist yet; the first backup creates it' });
    expect(byName.site).toMatchObject({ status: 'reachable', detail: 'every path is readable' });
    expect(byName.gone).toMatchObject({ status: 'unreachable', detail: `path ${join(root, 'missing')} does not exist` });
    expect(json.problems.map((p) => p.tier ?? p.source).sort()).toEqual(['gone', 'hot', 'offsite', 'site']);
    expect((await runCli(['plan', '--detailed-exitcode'], env)).code).toBe(1);
    expect(await fingerprint(root)).toEqual(before);
  });
});
