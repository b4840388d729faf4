import { describe, expect, it } from 'vitest';
import { planJob } from '../../../src/cli/job-plan.js';
import { createPlan } from '../../../src/plan/create-plan.js';
import { renderPlanText } from '../../../src/plan/render-plan-text.js';
import { NOW, entry, observed, observedSystem, policy } from './fixtures.js';

const leftover = {
  id: '20261121113000-0a1b2c3d',
  category: 'files',
  source: 'uploads',
  created_at: '2026-11-21T11:30:00.000Z',
  description: 'scratch databases strata_restore_test_0a1b2c3d4e* on db:5432 and scratch directory /tmp/strata-restore-test-x1',
};

const evidence = {
  files: {
    verified_backup_ids: ['20261121T120000Z-abc123'],
    checksummed_backup_ids: ['20261121T120000Z-abc123'],
    restore_test: { kind: 'restore_test' as const, system: 'demo', category: 'files', at: '2026-11-21T12:01:00Z', ok: true, backup_ids: ['20261121T120000Z-abc123'], details: [] },
  },
};

function planWith(scratch = [leftover]) {
  const system = observedSystem({
    tiers: {
      hot: { location: '/backups/hot', entries: [entry('hot', '2026-11-21T12:00:00Z')], debris: [] },
      offsite: { location: '/mnt/offsite', entries: [entry('offsite', '2026-11-21T12:00:00Z')], debris: [] },
    },
    evidence,
    scratch,
  });
  return createPlan({ policies: [policy()], observed: observed(system), desired: { demo: { schedules: [], runbooks: [] } }, now: NOW, policyDigest: 'p' });
}

describe('scratch left by interrupted restore tests', () => {
  it('is planned for deletion, with where it is and when it was left', () => {
    const plan = planWith();
    expect(plan.actions).toEqual([
      {
        type: 'scratch', op: 'delete', system: 'demo', category: 'files', source: 'uploads', scratch_id: leftover.id,
        description: leftover.description, reason: 'left by a restore test interrupted at 2026-11-21T11:30:00.000Z',
      },
    ]);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 1, run: 0 });
    expect(renderPlanText(plan, { color: false })).toContain(`- scratch  files/uploads: ${leftover.description}`);
  });

  it('is part of the category\'s verify job, before its checks, and of no other job', () => {
    const plan = planWith();
    const p = policy();
    const category = p.categories[0]!;
    expect(planJob(plan, p, category, 'verify').actions.map((a) => a.type)).toEqual(['scratch']);
    expect(planJob(plan, p, category, 'prune').actions).toEqual([]);
    expect(planJob(plan, p, category, 'backup').actions.map((a) => a.type)).toEqual(['backup']);
  });

  it('adds nothing when the journal is empty', () => {
    expect(planWith([]).actions).toEqual([]);
  });
});
