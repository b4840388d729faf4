import { describe, expect, it } from 'vitest';
import { createPlan } from '../../../src/plan/create-plan.js';
import type { ResolvedTier } from '../../../src/model/policy-model.js';
import { NOW, category, entry, observed, observedSystem, policy } from './fixtures.js';

const coldTier: ResolvedTier = {
  name: 'offsite',
  storage: { type: 's3', bucket: 'archive', prefix: 'strata/' },
  offsite: true,
  immutable: { mode: 'governance', days: 30 },
};

function plan(system = observedSystem(), p = policy()) {
  return createPlan({ policies: [p], observed: observed(system), desired: { demo: { schedules: [], runbooks: [] } }, now: NOW, policyDigest: 'p' });
}

describe('S3 tiers in the plan', () => {
  it('creates a missing bucket with object lock, and still plans the backups that will land in it', () => {
    const p = policy({ tiers: { ...policy().tiers, offsite: coldTier } });
    const system = observedSystem({
      buckets: { offsite: { bucket: { bucket: 'archive', exists: false, unsupported: [], unreadable: {} } } },
    });
    const result = plan(system, p);
    const bucket = result.actions.filter((a) => a.type === 'bucket');
    expect(bucket[0]).toMatchObject({ type: 'bucket', op: 'create', tier: 'offsite', bucket: 'archive', kind: 'create-bucket' });
    expect(result.actions.some((a) => a.type === 'backup')).toBe(true);
    expect(result.actions.findIndex((a) => a.type === 'bucket')).toBeLessThan(result.actions.findIndex((a) => a.type === 'backup'));
  });

  it('reports a bucket it cannot read as a problem', () => {
    const p = policy({ tiers: { ...policy().tiers, offsite: coldTier } });
    const result = plan(observedSystem({ buckets: { offsite: { error: 'AccessDenied' } } }), p);
    expect(result.problems).toEqual([expect.objectContaining({ tier: 'offsite', message: expect.stringContaining('AccessDenied') })]);
  });

  it('plans around backups under object lock instead of failing on them', () => {
    const days = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'];
    const p = policy({ categories: [category({ copies: [{ tier: 'hot', keep: { last: 1 } }, { tier: 'offsite', keep: { last: 1 } }] })] });
    const locked = (d: string) => ({ ...entry('offsite', `${d}T01:00:00Z`), locked_until: '2026-12-01T00:00:00Z' });
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: days.map((d) => entry('hot', `${d}T01:00:00Z`)), debris: [] },
        offsite: { location: 's3://archive/strata/', entries: [...days.slice(0, 2).map(locked), ...days.slice(2).map((d) => entry('offsite', `${d}T01:00:00Z`))], debris: [] },
      },
    });
    const result = plan(system, p);
    const prunedOffsite = result.actions.filter((a) => a.type === 'prune' && a.tier === 'offsite').map((a) => a.type === 'prune' && a.backup_id);
    // The backup this plan takes becomes the "last 1"; the two unlocked old ones go, the locked ones wait.
    expect(prunedOffsite).toEqual(['20261121T010000Z-abc123', '20261120T010000Z-abc123']);
    const kept = result.retention.find((r) => r.tier === 'offsite')?.kept ?? [];
    expect(kept.find((k) => k.backup_id === '20261118T010000Z-abc123')?.reasons[0]).toMatch(/^object lock until 2026-12-01T00:00:00Z/);
  });
});
