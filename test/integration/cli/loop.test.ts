// The whole loop through the CLI, on real files, real zstd and age, in temp dirs:
// validate → plan → apply → plan (no changes) → ls → restore → status → render → saved/stale plans → locks.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../../src/state/lock.js';
import { runCli } from '../../helpers/run-cli.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries(['age', 'age-keygen', 'zstd', 'tar', 'systemd-analyze'], 'CLI loop');
const repo = resolve(import.meta.dirname, '../../..');

let root: string;
let policyFile: string;
let identity: string;
let env: Record<string, string>;

async function tree(dir: string, base = dir): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await tree(path, base));
    else if (entry.isFile()) out[path.slice(base.length + 1)] = (await readFile(path)).toString('base64');
  }
  return out;
}

function policyYaml(recipient: string): string {
  return `version: 1
system: loop
scheduler: { type: systemd, unit_dir: ./units, strata_bin: ${join(repo, 'bin/strata.js')} }
render: { dir: ./runbooks }
sources:
  site: { type: files, paths: [./data], exclude: ["**/*.tmp"] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
defaults:
  compression: zstd
  encryption: { age_recipients: [${recipient}] }
categories:
  web:
    description: Website content
    rpo: 1h
    rto: 30m
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies:
      - { tier: hot, keep: { last: 2, daily: 7 } }
      - { tier: offsite, keep: { daily: 7 } }
    verify: { checksum: every-backup, restore_test: daily }
`;
}

describe.skipIf(bins.skip)('strata CLI loop on files + local storage', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-loop-'));
    identity = join(root, 'key.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity]).toString().trim();
    await mkdir(join(root, 'data/nested'), { recursive: true });
    await writeFile(join(root, 'data/index.html'), '<h1>hello</h1>\n');
    await writeFile(join(root, 'data/nested/blob.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)));
    await writeFile(join(root, 'data/skip.tmp'), 'temporary');
    policyFile = join(root, 'policy.yaml');
    await writeFile(policyFile, policyYaml(recipient));
    env = { STRATA_POLICIES: policyFile, STRATA_STATE_DIR: join(root, 'state'), STRATA_AGE_IDENTITY_FILE: identity };
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('validates, plans changes, applies, and then plans no changes', async () => {
    expect((await runCli(['validate'], env)).code).toBe(0);
    const first = await runCli(['plan', '--detailed-exitcode'], env);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('> backup   web/site');
    expect(first.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy, 2 to run\./);

    const json = JSON.parse((await runCli(['plan', '--json'], env)).stdout);
    expect(json.format_version).toBe('1.1');
    expect(json.actions.map((a: { type: string }) => a.type)).toContain('backup');

    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.stderr).toContain('Apply complete');
    expect(applied.code).toBe(0);

    const after = await runCli(['plan', '--detailed-exitcode'], env);
    expect(after.stdout).toContain('No changes.');
    expect(after.code).toBe(0);
  });

  it('installs systemd units that systemd-analyze accepts, and runbooks', async () => {
    const units = (await readdir(join(root, 'units'))).sort();
    expect(units).toEqual(expect.arrayContaining(['strata-loop-web-backup.service', 'strata-loop-web-backup.timer']));
    const result = execFileSync(bins.paths['systemd-analyze'] ?? 'systemd-analyze', ['verify', '--man=no', ...units.map((u) => join(root, 'units', u))], {
      env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(result.toString()).toBe('');
    const runbook = await readFile(join(root, 'runbooks/loop/web.md'), 'utf8');
    expect(runbook).toContain('strata restore web');
    expect(runbook).toContain('age -d');
  });

  it('lists the backup in both tiers and restores it byte for byte', async () => {
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout);
    expect(ls.backups).toHaveLength(1);
    expect(ls.backups[0].tiers).toEqual(['hot', 'offsite']);

    for (const tier of ['hot', 'offsite']) {
      const target = join(root, `restored-${tier}`);
      const restored = await runCli(['restore', 'web', '--from', tier, '--to', target], env);
      expect(restored.code, restored.stderr).toBe(0);
      const original = await tree(join(root, 'data'));
      delete original['skip.tmp'];
      expect(await tree(join(target, root.slice(1), 'data'))).toEqual(original);
    }
  });

  it('refuses to restore over a non-empty target without --yes, and needs the identity', async () => {
    const target = join(root, 'restored-hot');
    const refused = await runCli(['restore', 'web', '--to', target], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    const noKey = await runCli(['restore', 'web', '--to', join(root, 'nokey')], { ...env, STRATA_AGE_IDENTITY_FILE: undefined });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/identity/);
  });

  it('reports status against RPO and RTO, as text, JSON and metrics', async () => {
    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const row = JSON.parse(status.stdout).categories[0];
    expect(row).toMatchObject({ system: 'loop', category: 'web', rpo_ok: true, rto_ok: true });
    expect(row.measured_restore_seconds).toBeGreaterThan(0);
    expect((await runCli(['status', '--metrics'], env)).stdout).toContain('strata_rpo_ok{system="loop",category="web"} 1');
  });

  it('renders into a directory and --check catches a stale file', async () => {
    const out = join(root, 'rendered');
    expect((await runCli(['render', '--out', out], env)).code).toBe(0);
    expect((await runCli(['render', '--out', out, '--check'], env)).code).toBe(0);
    await writeFile(join(out, 'loop', 'web.md'), 'edited by hand\n');
    const check = await runCli(['render', '--out', out, '--check'], env);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('stale');
  });

  it('applies a saved plan exactly, and refuses it once the world changed', async () => {
    const planFile = join(root, 'saved.plan');
    await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
    const saved = await runCli(['plan', '--out', planFile], env);
    expect(saved.code).toBe(0);
    await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
    const stale = await runCli(['apply', planFile, '--progress', 'silent'], env);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain('the saved plan is stale');
    await runCli(['plan', '--out', planFile], env);
    const fresh = await runCli(['apply', planFile, '--progress', 'silent'], env);
    expect(fresh.code, fresh.stderr).toBe(0);
  });

  it('exits 75 when the lock is held, and never doubles up', async () => {
    const lock = await acquireLock(join(root, 'state'), 'loop', { command: 'test holder', ttlMs: 60_000 });
    try {
      const run = await runCli(['run', 'web', '--job', 'backup'], env);
      expect(run.code).toBe(75);
      expect(run.stderr).toContain('locked by');
    } finally {
      await lock.release();
    }
  });

  it('prunes by retention with reasons, never the newest', async () => {
    for (let i = 0; i < 2; i += 1) await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
    const before = JSON.parse((await runCli(['ls', '--json'], env)).stdout).backups as { id: string; tiers: string[] }[];
    const plan = await runCli(['plan'], env);
    expect(plan.stdout).toContain('- prune');
    expect(plan.stdout).toContain('Retention (why each backup is kept)');
    const pruned = await runCli(['run', 'web', '--job', 'prune', '--progress', 'silent'], env);
    expect(pruned.code, pruned.stderr).toBe(0);
    const after = JSON.parse((await runCli(['ls', '--json'], env)).stdout).backups as { id: string; tiers: string[] }[];
    expect(after.length).toBeLessThan(before.length);
    expect(after[0]?.id).toBe(before[0]?.id);
  });
});
