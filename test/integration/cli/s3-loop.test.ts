// Issue 4 end to end through the CLI against a real S3 server (private radosgw, or STRATA_TEST_S3_ENDPOINT):
// hot = local, warm = S3, cold = S3 in another bucket with object lock. Apply creates both buckets and their
// settings, backs up and copies; ls shows three copies; every tier restores the same bytes; the next plan is
// clean; prune plans around the locked copies instead of failing on them.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { describeS3 } from '../../helpers/s3-server.js';

async function tree(dir: string, base = dir): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await tree(path, base));
    else if (entry.isFile()) out[path.slice(base.length + 1)] = (await readFile(path)).toString('base64');
  }
  return out;
}

describeS3('strata CLI with S3 tiers', (server) => {
  let root: string;
  let env: Record<string, string>;
  const suffix = randomBytes(4).toString('hex');
  const warm = `strata-warm-${suffix}`;
  const cold = `strata-cold-${suffix}`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-s3-loop-'));
    await mkdir(join(root, 'data/sub'), { recursive: true });
    await writeFile(join(root, 'data/a.txt'), 'alpha\n');
    await writeFile(join(root, 'data/sub/b.bin'), randomBytes(300_000));
    const identity = join(root, 'key.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity]).toString().trim();
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: s3loop
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./hot } }
  warm:
    storage: { type: s3, bucket: ${warm}, prefix: warm/, endpoint: "\${env:S3_ENDPOINT}", force_path_style: true, region: us-east-1 }
    storage_class: STANDARD
  cold:
    storage: { type: s3, bucket: ${cold}, endpoint: "\${env:S3_ENDPOINT}", force_path_style: true, region: us-east-1 }
    immutable: { mode: governance, days: 1 }
defaults:
  compression: zstd
  encryption: { age_recipients: [${recipient}] }
categories:
  web:
    rpo: 1h
    rto: 1h
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies:
      - { tier: hot, keep: { last: 1 } }
      - { tier: warm, keep: { last: 1 } }
      - { tier: cold, keep: { last: 1 } }
    verify: { checksum: every-backup, restore_test: daily }
`,
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state'), STRATA_AGE_IDENTITY_FILE: identity, S3_ENDPOINT: server().endpoint };
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the buckets, backs up to all three tiers, and then plans no changes', async () => {
    const plan = await runCli(['plan'], env);
    expect(plan.stdout).toContain(`+ bucket   tier warm bucket ${warm}: create-bucket`);
    expect(plan.stdout).toContain(`+ bucket   tier cold bucket ${cold}: create-bucket`);
    expect(plan.stdout).toContain('> backup   web/site');
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
    const after = await runCli(['plan', '--detailed-exitcode'], env);
    expect(after.stdout + after.stderr).toContain('No changes.');
    expect(after.code).toBe(0);
  }, 120_000);

  it('lists three copies and restores the same bytes from every tier', async () => {
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout);
    expect(ls.backups).toHaveLength(1);
    expect(ls.backups[0].tiers).toEqual(['cold', 'hot', 'warm']);
    const original = await tree(join(root, 'data'));
    for (const tier of ['hot', 'warm', 'cold']) {
      const target = join(root, `restored-${tier}`);
      const restored = await runCli(['restore', 'web', '--from', tier, '--to', target], env);
      expect(restored.code, restored.stderr).toBe(0);
      expect(await tree(join(target, root.slice(1), 'data'))).toEqual(original);
    }
  }, 120_000);

  it('prunes the unlocked tiers and plans around the locked copy in cold', async () => {
    // Two more backups: the first one stays (it is the newest verified), the newest stays; the middle one goes,
    // except in cold, where object lock holds it.
    for (let i = 0; i < 2; i += 1) {
      const backup = await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
      expect(backup.code, backup.stderr).toBe(0);
    }
    const plan = await runCli(['plan', '--json'], env);
    const parsed = JSON.parse(plan.stdout);
    const prunes = parsed.actions.filter((a: { type: string }) => a.type === 'prune').map((a: { tier: string }) => a.tier).sort();
    expect(prunes).toEqual(['hot', 'warm']);
    const coldKept = parsed.retention.find((r: { tier: string }) => r.tier === 'cold').kept;
    expect(coldKept.some((k: { reasons: string[] }) => k.reasons[0]?.startsWith('object lock until'))).toBe(true);
    const pruned = await runCli(['run', 'web', '--job', 'prune', '--progress', 'silent'], env);
    expect(pruned.code, pruned.stderr).toBe(0);
  }, 120_000);
});
