// Issue 8: a backup whose manifest exists but whose artifact is missing, short, unreadable or does not match
// is a damaged backup. The plan reports it loudly (id, tier, what is wrong), never cleans it up as debris,
// never counts it as good (RPO, copies), and copies a good copy over it while retention keeps the backup.
import { describe, expect, it } from 'vitest';
import type { CatalogEntry, DamagedBackup } from '../../../src/model/catalog.js';
import { createPlan } from '../../../src/plan/create-plan.js';
import type { DesiredFiles, ObservedSystem } from '../../../src/plan/observed-model.js';
import { NOW, entry, observed, observedSystem, policy } from './fixtures.js';

const noFiles: Record<string, DesiredFiles> = { demo: { schedules: [], runbooks: [] } };
const GOOD = '2026-11-21T12:00:00Z';
const ID = '20261121T120000Z-abc123';

function damagedCopy(e: CatalogEntry, problem: string): DamagedBackup {
  return {
    tier: e.tier, dir: e.dir, id: e.manifest.id, system: 'demo', category: 'files', source: 'uploads', manifest: e.manifest,
    problem, found_by: 'scan', keys: [`${e.dir}/manifest.json`], bytes: 10,
  };
}

const evidence = {
  files: {
    verified_backup_ids: [ID],
    checksummed_backup_ids: [ID],
    restore_test: { kind: 'restore_test' as const, system: 'demo', category: 'files', at: '2026-11-21T12:01:00Z', ok: true, backup_ids: [ID], details: [] },
  },
};

function plan(system: ObservedSystem) {
  return createPlan({ policies: [policy()], observed: observed(system), desired: noFiles, now: NOW, policyDigest: 'p' });
}

describe('damaged backups in the plan', () => {
  it('are problems with id, tier and what is wrong, never cleanup actions, and a good copy is copied over them', () => {
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [], debris: [], damaged: [damagedCopy(entry('hot', GOOD), 'artifact data.tar.zst is missing')] },
        offsite: { location: '/mnt/offsite', entries: [entry('offsite', GOOD)], debris: [] },
      },
      evidence,
    });
    const result = plan(system);
    expect(result.problems).toEqual([
      expect.objectContaining({
        kind: 'damaged-backup', tier: 'hot', category: 'files', source: 'uploads',
        message: `backup ${ID} of files/uploads on tier hot is damaged: artifact data.tar.zst is missing`,
        hint: expect.stringContaining('a good copy is in tier offsite'),
      }),
    ]);
    expect(result.actions.filter((a) => a.type === 'cleanup')).toEqual([]);
    expect(result.actions.filter((a) => a.type === 'copy')).toEqual([
      expect.objectContaining({ backup_id: ID, from_tier: 'offsite', to_tier: 'hot', reason: expect.stringMatching(/^the copy in tier hot is damaged; replace it from tier offsite/) }),
    ]);
  });

  it('do not count for the RPO: a backup damaged in every tier leaves the source without a good backup', () => {
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [], debris: [], damaged: [damagedCopy(entry('hot', GOOD), 'artifact data.tar.zst is 5 bytes, the manifest says 100')] },
        offsite: { location: '/mnt/offsite', entries: [], debris: [], damaged: [damagedCopy(entry('offsite', GOOD), 'artifact data.tar.zst is missing')] },
      },
      evidence,
    });
    const result = plan(system);
    expect(result.actions.find((a) => a.type === 'backup')).toMatchObject({ overdue: true, reason: 'no backup exists yet' });
    expect(result.problems.map((p) => p.tier)).toEqual(['hot', 'offsite']);
    expect(result.problems[0]!.hint).toMatch(/no good copy exists in any tier; inspect \/backups\/hot\/demo\/files\/uploads\/2026\/11\/20261121T120000Z-abc123/);
  });

  it('include copies whose last checksum failed (recorded in the evidence), until a check of the copy passes', () => {
    const hot = entry('hot', GOOD);
    const damagedEvidence = {
      files: { ...evidence.files, damaged_copies: [{ tier: 'hot', backup_id: ID, source: 'uploads', problem: 'sha256 is 00…, the manifest says aa…', at: '2026-11-21T12:10:00Z' }] },
    };
    const system = observedSystem({
      tiers: {
        hot: { location: '/backups/hot', entries: [hot], debris: [] },
        offsite: { location: '/mnt/offsite', entries: [entry('offsite', GOOD)], debris: [] },
      },
      evidence: damagedEvidence,
    });
    const result = plan(system);
    expect(result.problems).toEqual([
      expect.objectContaining({ tier: 'hot', message: expect.stringMatching(/is damaged: sha256 is 00…, the manifest says aa… \(checksum verification at 2026-11-21T12:10:00Z\)$/) }),
    ]);
    expect(result.actions.filter((a) => a.type === 'copy')).toEqual([expect.objectContaining({ from_tier: 'offsite', to_tier: 'hot' })]);
  });
});
