// Issue 8, item 1: a pre-restore snapshot (the corrupted live data captured before a restore) is not a
// backup. It never satisfies a due backup or the RPO, is never copied, and has its own retention window.
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../src/model/catalog.js';
import { createPlan } from '../../../src/plan/create-plan.js';
import type { DesiredFiles } from '../../../src/plan/observed-model.js';
import { NOW, category, entry, observed, observedSystem, policy } from './fixtures.js';

const noFiles: Record<string, DesiredFiles> = { demo: { schedules: [], runbooks: [] } };

function snapshot(tier: string, startedAt: string, restoreOf = '20261120T000000Z-abc123', suffix = 'def456'): CatalogEntry {
  const e = entry(tier, startedAt, { kind: 'pre-restore', taken_for: { restore_of: restoreOf, at: startedAt } });
  const id = e.manifest.id.replace('abc123', suffix);
  return { ...e, dir: e.dir.replace(e.manifest.id, id), manifest: { ...e.manifest, id } };
}

function planWith(hot: CatalogEntry[], offsite: CatalogEntry[], p = policy()) {
  const system = observedSystem({
    tiers: {
      hot: { location: '/backups/hot', entries: hot, debris: [] },
      offsite: { location: '/mnt/offsite', entries: offsite, debris: [] },
    },
    evidence: { files: { verified_backup_ids: [], restore_test: { kind: 'restore_test', system: 'demo', category: 'files', at: '2026-11-21T12:00:00Z', ok: true, backup_ids: [], details: [] } } },
  });
  return createPlan({ policies: [p], observed: observed(system), desired: noFiles, now: NOW, policyDigest: 'p' });
}

describe('pre-restore snapshots in the plan', () => {
  it('never satisfy a due backup: a snapshot taken 5 minutes ago does not stop an overdue backup', () => {
    const old = '2026-11-21T09:00:00Z';
    const result = planWith([entry('hot', old), snapshot('hot', '2026-11-21T12:25:00Z')], [entry('offsite', old)]);
    const backup = result.actions.find((a) => a.type === 'backup');
    expect(backup).toMatchObject({ overdue: true });
    expect(backup?.reason).toContain('last good backup 20261121T090000Z-abc123');
  });

  it('are never copied to other tiers, and the newest is kept whatever its age', () => {
    const good = '2026-11-21T12:00:00Z';
    const snap = snapshot('hot', '2026-10-01T00:00:00Z');
    const result = planWith([entry('hot', good), snap], [entry('offsite', good)]);
    expect(result.actions.filter((a) => a.type === 'copy')).toEqual([]);
    expect(result.actions.filter((a) => a.type === 'prune')).toEqual([]);
    const kept = result.retention.find((r) => r.tier === 'hot')!.kept.find((k) => k.backup_id === snap.manifest.id);
    expect(kept?.reasons.join()).toMatch(/only way back from the newest restore of backup 20261120T000000Z-abc123/);
  });

  it('are pruned after the window (7d by default, pre_restore_keep when set), except the newest', () => {
    const good = '2026-11-21T12:00:00Z';
    const newest = snapshot('hot', '2026-11-01T00:00:00Z', 'x', '000003');
    const older = snapshot('hot', '2026-10-31T00:00:00Z', 'y', '000002');
    const recent = snapshot('hot', '2026-11-20T00:00:00Z', 'z', '000001');
    // `recent` is newer than `newest` by time: it is the newest restore's snapshot.
    const result = planWith([entry('hot', good), newest, older, recent], [entry('offsite', good)]);
    const pruned = result.actions.filter((a) => a.type === 'prune').map((a) => (a as { backup_id: string }).backup_id).sort();
    expect(pruned).toEqual([newest.manifest.id, older.manifest.id].sort());
    expect(result.actions.find((a) => a.type === 'prune')?.reason).toMatch(/pre-restore snapshot older than 7d \(pre_restore_keep\)/);

    const longer = policy({ categories: [category({ preRestoreKeep: '30d' })] });
    const kept = planWith([entry('hot', good), newest, older, recent], [entry('offsite', good)], longer);
    expect(kept.actions.filter((a) => a.type === 'prune')).toEqual([]);
  });

  it('do not count as the newest backup for verification', () => {
    const good = '2026-11-21T12:00:00Z';
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [entry('hot', good), snapshot('hot', '2026-11-21T12:20:00Z')], debris: [] },
        offsite: { location: '/mnt/offsite', entries: [entry('offsite', good)], debris: [] },
      },
      evidence: {
        files: {
          verified_backup_ids: ['20261121T120000Z-abc123'],
          checksummed_backup_ids: ['20261121T120000Z-abc123'],
          restore_test: { kind: 'restore_test', system: 'demo', category: 'files', at: '2026-11-21T12:01:00Z', ok: true, backup_ids: ['20261121T120000Z-abc123'], details: [] },
        },
      },
    });
    const result = createPlan({ policies: [policy()], observed: observed(system), desired: noFiles, now: NOW, policyDigest: 'p' });
    expect(result.actions).toEqual([]);
  });
});
