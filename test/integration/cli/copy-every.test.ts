// A tier with `every` through the CLI: the first backup goes to every tier (the archive is empty), the
// next ones only to the tiers without `every`, each checksummed where it was written, and the plan after
// them is clean: the archive's copy is kept, not replaced, not pruned.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { requireBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const bins = requireBinaries(['zstd'], 'copies with every');

interface Listed {
  id: string;
  started_at: string;
  tiers: string[];
}

describe.skipIf(bins.skip)('copies with every', () => {
  it('copy the first backup to the archive, then leave it alone until its period has passed', async () => {
    const root = await makeTempDir();
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', 'a.txt'), 'first\n');
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: periodic
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  warm: { storage: { type: local, path: ./store/warm }, offsite: true }
  archive: { storage: { type: local, path: ./store/archive }, offsite: true }
categories:
  web:
    rpo: 1h
    rto: 30m
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies:
      - { tier: hot, keep: { last: 10 } }
      - { tier: warm, keep: { last: 10 } }
      - { tier: archive, keep: { monthly: 12 }, every: monthly }
    verify: { checksum: every-backup, restore_test: never }
`,
    );
    const env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
    const validated = await runCli(['validate'], env);
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    expect(validated.stdout).toBe('The policy file is valid.\n');

    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
    for (const content of ['second\n', 'third\n']) {
      await writeFile(join(root, 'data', 'a.txt'), content);
      const run = await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
      expect(run.code, run.stderr).toBe(0);
    }

    const { backups } = JSON.parse((await runCli(['ls', '--json'], env)).stdout) as { backups: Listed[] };
    // Oldest first (ids of backups started within one second do not sort by time).
    const byTier = (tier: string) => backups.filter((b) => b.tiers.includes(tier)).sort((a, b) => a.started_at.localeCompare(b.started_at)).map((b) => b.id);
    expect(byTier('hot')).toHaveLength(3);
    expect(byTier('warm')).toEqual(byTier('hot'));
    expect(byTier('archive')).toEqual([byTier('hot')[0]]);

    const plan = await runCli(['plan', '--json'], env);
    const actions = (JSON.parse(plan.stdout) as { actions: { type: string }[] }).actions;
    expect(actions.filter((a) => a.type === 'copy' || a.type === 'prune')).toEqual([]);
    // Every backup passed its checksum where it was written (none was expected in the archive and missed).
    const status = await runCli(['status', '--json'], env);
    expect(status.stdout).not.toMatch(/"ok":\s*false/);
  });
});
