// Issue 8: the whole incident path through the CLI, on real files, zstd and local tiers. Back up, corrupt the
// data, `restore --yes` over it (a pre-restore snapshot of the corrupted data is taken), then the runbook's
// `strata restore CATEGORY` must pick the backup again, never the snapshot; `ls` shows the snapshot apart, it
// is not copied off-site, status and plan do not count it, and the printed rollback command restores it.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { webFilesPolicy } from '../../helpers/web-files-policy.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries(['zstd'], 'CLI incident path');

let root: string;
let env: Record<string, string>;
let backupId: string;
let snapshotId: string;
let rollback: string;

const json = async (args: string[]) => {
  const run = await runCli([...args, '--json'], env);
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout);
};

describe.skipIf(bins.skip)('the incident path: back up, corrupt, restore, restore again', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-incident-'));
    await mkdir(join(root, 'data/docs'), { recursive: true });
    await writeFile(join(root, 'data/index.html'), '<h1>good</h1>\n');
    await writeFile(join(root, 'data/docs/a.txt'), 'alpha\n');
    await writeFile(
      join(root, 'policy.yaml'),
      webFilesPolicy('incident'),
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('backs up, then restores over corrupted data after taking a pre-restore snapshot', async () => {
    const backup = await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
    expect(backup.code, backup.stderr).toBe(0);
    backupId = (await json(['ls'])).backups[0].id;

    await writeFile(join(root, 'data/index.html'), 'CORRUPTED\n');
    const restored = await json(['restore', 'web', '--yes']);
    const result = restored.restored[0];
    expect(result).toMatchObject({ backup_id: backupId, kind: 'full', tier: 'hot', skipped: [] });
    snapshotId = result.pre_restore_snapshot;
    expect(snapshotId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    rollback = result.rollback;
    expect(rollback).toBe(`strata restore incident/web --source site --backup ${snapshotId} --yes --no-snapshot`);
    expect(await readFile(join(root, 'data/index.html'), 'utf8')).toBe('<h1>good</h1>\n');
  });

  it('`strata restore web` again picks the backup, not the snapshot (default and --at)', async () => {
    const again = await json(['restore', 'web', '--dry-run']);
    expect(again.restored[0].backup_id).toBe(backupId);
    const at = await json(['restore', 'web', '--dry-run', '--at', new Date(Date.now() + 60_000).toISOString()]);
    expect(at.restored[0].backup_id).toBe(backupId);
  });

  it('ls shows the snapshot apart, on the first tier only, with the restore it was taken for', async () => {
    const ls = await json(['ls']);
    expect(ls.backups.map((b: { id: string }) => b.id)).toEqual([backupId]);
    expect(ls.pre_restore_snapshots).toEqual([
      expect.objectContaining({ id: snapshotId, kind: 'pre-restore', tiers: ['hot'], taken_for: { restore_of: backupId, at: expect.any(String) } }),
    ]);
    const text = await runCli(['ls'], env);
    expect(text.stdout).toMatch(new RegExp(`Pre-restore snapshots .*\\n.*\\n.*${snapshotId}\\s+pre-restore`));
    const manifest = JSON.parse(await readFile(join(root, 'store/hot', `incident/web/site/${snapshotId.slice(0, 4)}/${snapshotId.slice(4, 6)}/${snapshotId}/manifest.json`), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'pre-restore', taken_for: { restore_of: backupId } });
  });

  it('status and plan do not count the snapshot: no copy off-site, not the newest backup', async () => {
    const status = await json(['status']);
    expect(status.categories[0].sources[0]).toMatchObject({ backup_id: backupId, tiers: ['hot', 'offsite'] });
    const plan = await json(['plan']);
    const mentions = plan.actions.filter((a: { backup_id?: string }) => a.backup_id === snapshotId);
    expect(mentions).toEqual([]);
    const kept = plan.retention.find((r: { tier: string }) => r.tier === 'hot').kept.find((k: { backup_id: string }) => k.backup_id === snapshotId);
    expect(kept.reasons[0]).toMatch(/^protected: the only way back from the newest restore of backup/);
  });

  it('the rollback command restores the snapshot, and the next default restore still picks the backup', async () => {
    const args = rollback.split(' ').slice(1);
    const undone = await runCli(args, env);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stderr).toContain(`backup ${snapshotId} (pre-restore snapshot)`);
    expect(await readFile(join(root, 'data/index.html'), 'utf8')).toBe('CORRUPTED\n');
    expect((await json(['restore', 'web', '--dry-run'])).restored[0].backup_id).toBe(backupId);
  });
});
