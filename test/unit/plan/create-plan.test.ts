import { describe, expect, it } from 'vitest';
import { createPlan } from '../../../src/plan/create-plan.js';
import type { Action } from '../../../src/plan/plan-model.js';
import type { DesiredFiles } from '../../../src/plan/observed-model.js';
import { NOW, category, entry, observed, observedSystem, policy } from './fixtures.js';

const noFiles: Record<string, DesiredFiles> = { demo: { schedules: [], runbooks: [] } };

function plan(system = observedSystem(), p = policy(), desired = noFiles, identity = false) {
  return createPlan({ policies: [p], observed: observed(system, identity), desired, now: NOW, policyDigest: 'p' });
}

function kinds(actions: Action[]): string[] {
  return actions.map((a) => `${a.op} ${a.type}`);
}

const freshEvidence = {
  files: {
    verified_backup_ids: ['20261121T120000Z-abc123'],
    checksummed_backup_ids: ['20261121T120000Z-abc123'],
    restore_test: { kind: 'restore_test' as const, system: 'demo', category: 'files', at: '2026-11-21T12:01:00Z', ok: true, backup_ids: ['20261121T120000Z-abc123'], details: [] },
  },
};

describe('createPlan', () => {
  it('plans a first backup and its restore test when nothing exists', () => {
    const result = plan();
    expect(kinds(result.actions)).toEqual(['run backup', 'run verify']);
    expect(result.actions[0]).toMatchObject({ type: 'backup', source: 'uploads', overdue: true, reason: 'no backup exists yet' });
    expect(result.actions[1]).toMatchObject({ type: 'verify', check: 'restore_test', reason: 'never run (restore_test: weekly)' });
    expect(result.summary).toEqual({ add: 0, change: 0, destroy: 0, run: 2 });
    expect(result.format_version).toBe('1.1');
  });

  it('has no changes right after a backup, its copies and its verification', () => {
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [entry('hot', '2026-11-21T12:00:00Z')], debris: [] },
        offsite: { location: '/mnt/offsite', entries: [entry('offsite', '2026-11-21T12:00:00Z')], debris: [] },
      },
      evidence: freshEvidence,
    });
    const result = plan(system);
    expect(result.actions).toEqual([]);
    expect(result.retention.map((r) => r.kept.map((k) => k.reasons.join('; ')))).toEqual([
      [expect.stringContaining('newest')],
      [expect.stringContaining('newest')],
    ]);
  });

  it('counts the due time from the last successful backup, not from the last attempt', () => {
    // The 11:00 run failed (no manifest); the last good backup is from 10:00, past the 1h RPO.
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [entry('hot', '2026-11-21T10:00:00Z')], debris: [] },
        offsite: { location: '/mnt/offsite', entries: [entry('offsite', '2026-11-21T10:00:00Z')], debris: [] },
      },
      evidence: freshEvidence,
    });
    const backup = plan(system).actions.find((a) => a.type === 'backup');
    expect(backup).toMatchObject({ overdue: true });
    expect(backup?.reason).toBe('overdue: last good backup 20261121T100000Z-abc123 is 2h30m old, rpo is 1h');
  });

  it('plans a scheduled run that is due but not yet overdue', () => {
    const p = policy({ categories: [category({ rpo: '2h', rpoMs: 7_200_000 })] });
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [entry('hot', '2026-11-21T11:10:00Z')], debris: [] },
        offsite: { location: '/mnt/offsite', entries: [entry('offsite', '2026-11-21T11:10:00Z')], debris: [] },
      },
    });
    const backup = plan(system, p).actions.find((a) => a.type === 'backup');
    expect(backup?.reason).toBe('scheduled run at 2026-11-21T12:00:00.000Z is due (last good backup 20261121T111000Z-abc123 is 1h20m old)');
  });

  it('prunes by GFS rules, counting the backup it is about to take, and says why survivors stay', () => {
    const days = ['2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14'];
    const hot = days.map((d) => entry('hot', `${d}T02:00:00Z`));
    const p = policy({ categories: [category({ copies: [{ tier: 'hot', keep: { daily: 3 } }, { tier: 'offsite', keep: { daily: 3 } }] })] });
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: hot, debris: [] },
        offsite: { location: '/mnt/offsite', entries: days.map((d) => entry('offsite', `${d}T02:00:00Z`)), debris: [] },
      },
    });
    const result = plan(system, p);
    const prunes = result.actions.filter((a) => a.type === 'prune');
    // (new backup) + 11-14 + 11-13 are the three dailies; 11-10, 11-11 and 11-12 go, in both tiers.
    expect(prunes.map((a) => a.type === 'prune' && `${a.tier} ${a.backup_id}`)).toEqual([
      'hot 20261112T020000Z-abc123',
      'hot 20261111T020000Z-abc123',
      'hot 20261110T020000Z-abc123',
      'offsite 20261112T020000Z-abc123',
      'offsite 20261111T020000Z-abc123',
      'offsite 20261110T020000Z-abc123',
    ]);
    const hotReport = result.retention.find((r) => r.tier === 'hot');
    expect(hotReport?.kept.map((k) => k.backup_id)).toEqual(['(new backup)', '20261114T020000Z-abc123', '20261113T020000Z-abc123']);
    expect(hotReport?.kept.every((k) => k.reasons.length > 0)).toBe(true);
  });

  it('never prunes the newest verified backup', () => {
    const days = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'];
    const p = policy({ categories: [category({ copies: [{ tier: 'hot', keep: { last: 1 } }, { tier: 'offsite', keep: { last: 1 } }] })] });
    const verified = '20261118T010000Z-abc123';
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: days.map((d) => entry('hot', `${d}T01:00:00Z`)), debris: [] },
        offsite: { location: '/mnt/offsite', entries: days.map((d) => entry('offsite', `${d}T01:00:00Z`)), debris: [] },
      },
      evidence: { files: { verified_backup_ids: [verified] } },
    });
    const pruned = plan(system, p).actions.filter((a) => a.type === 'prune').map((a) => a.type === 'prune' && a.backup_id);
    expect(pruned).not.toContain(verified);
    expect(pruned).toContain('20261119T010000Z-abc123');
  });

  it('plans copies missing from a tier that was added later', () => {
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [entry('hot', '2026-11-21T12:00:00Z')], debris: [] },
        offsite: { location: '/mnt/offsite', entries: [], debris: [] },
      },
      evidence: freshEvidence,
    });
    const result = plan(system);
    expect(kinds(result.actions)).toEqual(['create copy']);
    expect(result.actions[0]).toMatchObject({ from_tier: 'hot', to_tier: 'offsite', backup_id: '20261121T120000Z-abc123' });
  });

  it('reports a source whose engine cannot run as a problem, and still plans the rest', () => {
    const p = policy({
      sources: { uploads: { type: 'files', paths: ['/srv'] }, db: { type: 'postgres', url: '${env:DATABASE_URL}' } },
      categories: [category(), category({ name: 'db', data: [{ source: 'db', sourceType: 'postgres' }] })],
    });
    const result = plan(observedSystem({ unavailableSources: { db: 'the postgres engine is not implemented yet' } }), p);
    expect(result.problems).toEqual([
      expect.objectContaining({ category: 'db', source: 'db', message: expect.stringContaining('postgres engine is not implemented yet') }),
    ]);
    expect(result.actions.filter((a) => a.type === 'backup').map((a) => a.type === 'backup' && a.category)).toEqual(['files']);
    expect(JSON.stringify(result)).not.toContain('DATABASE_URL}@');
  });

  it('cleans up debris of interrupted backups first', () => {
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [], debris: [{ tier: 'hot', dir: 'demo/files/uploads/2026/11/x', keys: ['a'], bytes: 10 }] },
        offsite: { location: '/mnt/offsite', entries: [], debris: [] },
      },
    });
    expect(kinds(plan(system).actions)[0]).toBe('delete cleanup');
  });

  it('reports a restore test it cannot run without an identity, instead of failing at apply time', () => {
    const p = policy({ categories: [category({ recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] })] });
    const result = plan(observedSystem(), p);
    expect(result.actions.some((a) => a.type === 'verify')).toBe(false);
    expect(result.problems[0]?.hint).toContain('STRATA_AGE_IDENTITY_FILE');
    expect(plan(observedSystem(), p, noFiles, true).actions.some((a) => a.type === 'verify')).toBe(true);
  });

  it('diffs managed files: create, update, delete, unchanged', () => {
    const desired = {
      demo: {
        schedules: [
          { path: '/u/a.timer', content: 'A' },
          { path: '/u/b.timer', content: 'B' },
          { path: '/u/c.timer', content: 'C' },
        ],
        runbooks: [],
      },
    };
    const system = observedSystem({ schedules: { '/u/a.timer': null, '/u/b.timer': 'old', '/u/c.timer': 'C', '/u/old.timer': 'x' } });
    const files = plan(system, policy(), desired).actions.filter((a) => a.type === 'schedule');
    expect(files.map((a) => `${a.op} ${'path' in a ? a.path : ''}`)).toEqual(['create /u/a.timer', 'update /u/b.timer', 'delete /u/old.timer']);
  });

  it('is deterministic and pure: same input, same plan and digest', () => {
    const a = plan();
    const b = plan();
    expect(a).toEqual(b);
    expect(a.observed_digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
