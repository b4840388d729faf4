// Copies with `every`: a cold tier gets one copy per period and keeps it, instead of receiving each
// backup and pruning the one before (which bills a minimum storage duration for every copy).
import { describe, expect, it } from 'vitest';
import { isCopyDue } from '../../../src/model/copy-cadence.js';
import { planRetention, PENDING_ID } from '../../../src/plan/plan-retention.js';
import { category, entry, observedSystem, policy } from './fixtures.js';

const DAY = 86_400_000;
const cold = category({
  schedule: { full: '*/5 * * * *', timezone: 'UTC' },
  copies: [
    { tier: 'hot', keep: { last: 12 } },
    { tier: 'offsite', keep: { monthly: 12 }, every: 'monthly' },
  ],
});
const p = policy({ categories: [cold] });

function plan(hot: string[], offsite: string[], pendingAt?: Date, now = new Date('2026-11-21T12:30:00Z')) {
  const system = observedSystem({
    tiers: {
      hot: { location: '/hot', entries: hot.map((t) => entry('hot', t)), debris: [] },
      offsite: { location: '/offsite', entries: offsite.map((t) => entry('offsite', t)), debris: [] },
    },
  });
  return planRetention(p, cold, 'uploads', system, pendingAt, now);
}

describe('isCopyDue', () => {
  it('is due for an empty tier, after the period, and a little before it (slack)', () => {
    const at = new Date('2026-11-21T02:00:00Z');
    expect(isCopyDue(undefined, new Date(at.getTime() - 1), at)).toBe(true);
    expect(isCopyDue(DAY, undefined, at)).toBe(true);
    expect(isCopyDue(DAY, new Date(at.getTime() - DAY), at)).toBe(true);
    expect(isCopyDue(DAY, new Date(at.getTime() - DAY + 60_000), at)).toBe(true);
    expect(isCopyDue(DAY, new Date(at.getTime() - DAY / 2), at)).toBe(false);
  });
});

describe('copies with every', () => {
  it('neither copies the new backup nor prunes the held one while the period runs', () => {
    const result = plan(['2026-11-21T12:20:00Z', '2026-11-21T12:25:00Z'], ['2026-11-01T00:05:00Z'], new Date('2026-11-21T12:30:00Z'));
    expect(result.copies.filter((c) => c.to_tier === 'offsite')).toEqual([]);
    expect(result.prunes.filter((c) => c.tier === 'offsite')).toEqual([]);
    const offsite = result.reports.find((r) => r.tier === 'offsite')!;
    expect(offsite.kept.map((k) => k.backup_id)).toEqual(['20261101T000500Z-abc123']);
    expect(offsite.kept.some((k) => k.backup_id === PENDING_ID)).toBe(false);
  });

  it('takes the new backup once the period has passed, and keeps the older one as last month\'s', () => {
    const result = plan(['2026-12-01T00:00:00Z'], ['2026-11-01T00:05:00Z'], new Date('2026-12-01T00:05:00Z'), new Date('2026-12-01T00:05:00Z'));
    const offsite = result.reports.find((r) => r.tier === 'offsite')!;
    expect(offsite.kept.map((k) => k.backup_id)).toEqual([PENDING_ID, '20261101T000500Z-abc123']);
    expect(result.prunes.filter((c) => c.tier === 'offsite')).toEqual([]);
  });

  it('copies the newest existing backup to an empty tier (a tier added later), and only that one', () => {
    const result = plan(['2026-11-21T12:20:00Z', '2026-11-21T12:25:00Z'], []);
    expect(result.copies.filter((c) => c.to_tier === 'offsite').map((c) => c.backup_id)).toEqual(['20261121T122500Z-abc123']);
  });

  it('without every, the same tier copies each backup and prunes the one it replaces', () => {
    // monthly: 1, so restic's "oldest backup while the count is not used up" does not keep the older one too.
    const churn = category({ ...cold, copies: [cold.copies[0]!, { tier: 'offsite', keep: { monthly: 1 } }] });
    const system = observedSystem({
      tiers: {
        hot: { location: '/hot', entries: [entry('hot', '2026-11-21T12:25:00Z')], debris: [] },
        offsite: { location: '/offsite', entries: [entry('offsite', '2026-11-21T12:20:00Z')], debris: [] },
      },
    });
    const result = planRetention(policy({ categories: [churn] }), churn, 'uploads', system, undefined, new Date('2026-11-21T12:30:00Z'));
    expect(result.copies.filter((c) => c.to_tier === 'offsite').map((c) => c.backup_id)).toEqual(['20261121T122500Z-abc123']);
    expect(result.prunes.filter((c) => c.tier === 'offsite').map((c) => c.backup_id)).toEqual(['20261121T122000Z-abc123']);
  });
});
