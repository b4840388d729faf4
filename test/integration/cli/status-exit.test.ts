// Issue 8, items 4 and 5: a failed checksum shows in `status`, `status --json` and `status --metrics`, and
// status exits with its own documented code: 4 when a verification failed (or a backup is damaged), 5 when the
// measured restore time exceeds the RTO, the lowest applicable code winning, with every reason printed. Today
// it exited 0 in both cases.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { webFilesPolicy } from '../../helpers/web-files-policy.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries(['zstd'], 'CLI status exit codes');
const repo = resolve(import.meta.dirname, '../../..');

let root: string;
let env: Record<string, string>;

describe.skipIf(bins.skip)('status exit codes and verification failures', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-status-'));
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'data/a.txt'), 'alpha\n');
    await writeFile(
      join(root, 'policy.yaml'),
      webFilesPolicy('st', { tiers: ['hot'], rto: '1s', restoreTest: 'daily' }),
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('exits 0 when every category is healthy', async () => {
    const status = await runCli(['status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toBe('');
  });

  it('exits 5 with the reason when the measured restore time exceeds the RTO', async () => {
    // No real restore of a test tree takes longer than the smallest RTO (1s) reliably: the recorded measurement
    // (the evidence file status reads) is made slower instead.
    const file = join(root, 'state/evidence/st/web.json');
    const evidence = JSON.parse(await readFile(file, 'utf8'));
    evidence.last_good_restore.duration_ms = 5000;
    await writeFile(file, JSON.stringify(evidence));
    const status = await runCli(['status'], env);
    expect(status.code).toBe(5);
    expect(status.stdout).toMatch(/5s \/ 1s TOO SLOW/);
    expect(status.stderr).toContain('status: st/web: the measured restore took 5s, longer than the rto of 1s');
    expect((await runCli(['status', '--metrics'], env)).stdout).toContain('strata_rto_ok{system="st",category="web"} 0');
  });

  it('a failed checksum (verify --now after a corruption) shows in status, --json and --metrics, and 4 wins over 5', async () => {
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout);
    const id = ls.backups[0].id as string;
    const artifact = join(root, 'store/hot', `st/web/site/${id.slice(0, 4)}/${id.slice(4, 6)}/${id}/data.tar.zst`);
    const bytes = await readFile(artifact);
    bytes[bytes.length >> 1]! ^= 1;
    await writeFile(artifact, bytes);
    // Nothing was due: without --now the verify job runs nothing and the corruption stays unseen.
    const due = await runCli(['run', 'web', '--job', 'verify', '--progress', 'silent'], env);
    expect(due.stderr).toContain('0 done');
    const now = await runCli(['run', 'web', '--job', 'verify', '--now', '--progress', 'silent'], env);
    expect(now.code).toBe(1);
    expect(now.stderr).toMatch(new RegExp(`checksum of web failed: hot/${id}: .*sha256 is [0-9a-f]{64}, the manifest says`));
    expect(now.stderr).toMatch(/restore_test of web failed/);

    // The only backup is damaged: there is no good backup, so the RPO is breached (1 wins over 4 and 5).
    const breached = await runCli(['status'], env);
    expect(breached.code).toBe(1);
    expect(breached.stdout).toMatch(/checksum FAILED .*restore_test FAILED/);
    expect(breached.stdout).toContain('1 DAMAGED');
    expect(breached.stderr).toContain('status: st/web: RPO breached: no good backup of site');
    expect(breached.stderr).toMatch(/status: st\/web: the last checksum at .* failed: hot\//);
    expect(breached.stderr).toContain(`status: st/web: backup ${id} of site on tier hot is damaged`);
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(json.categories[0]).toMatchObject({ verification_ok: false, rpo_ok: false, damaged: [expect.objectContaining({ backup_id: id, tier: 'hot', found_by: 'checksum' })] });
    expect(json.categories[0].verifications.map((v: { kind: string; ok: boolean }) => `${v.kind}:${v.ok}`)).toEqual(['checksum:false', 'restore_test:false']);
    const metrics = (await runCli(['status', '--metrics'], env)).stdout;
    expect(metrics).toContain('strata_verification_ok{system="st",category="web",kind="checksum"} 0');
    expect(metrics).toContain('strata_verification_ok{system="st",category="web",kind="restore_test"} 0');
    expect(metrics).toContain('strata_damaged_backups{system="st",category="web"} 1');

    // A new good backup ends the RPO breach; the failed restore test and the damaged copy remain: 4 wins over 5.
    expect((await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env)).code).toBe(0);
    const untrusted = await runCli(['status', '--json'], env);
    expect(untrusted.code).toBe(4);
    const verdict = JSON.parse(untrusted.stdout);
    expect(verdict.exit_code).toBe(4);
    expect(verdict.reasons).toEqual([
      expect.stringMatching(/^st\/web: the last restore_test at .* failed: /),
      `st/web: backup ${id} of site on tier hot is damaged: ${verdict.categories[0].damaged[0].problem}`,
      'st/web: the measured restore took 5s, longer than the rto of 1s',
    ]);
  });

  it('documents the exit codes in `strata status --help`', () => {
    const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
    const help = execFileSync(process.execPath, ['--import', tsx, join(repo, 'test/helpers/cli-child.ts'), 'status', '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/Exit codes \(when several apply, the lowest wins/);
    expect(help).toMatch(/^ {2}4 {2}a backup cannot be trusted: the last checksum, restore test or drill failed, or a backup is damaged$/m);
    expect(help).toMatch(/^ {2}5 {2}the measured restore time exceeds the RTO$/m);
  });
});
