// Which backup and which copies a restore uses (issue 8, items 1 and 2). Pure.
import { describe, expect, it } from 'vitest';
import { pickBackup, restoreCandidates } from '../../../src/cli/pick-backup.js';
import type { CatalogEntry, DamagedBackup } from '../../../src/model/catalog.js';
import { entry } from '../plan/fixtures.js';

function snapshot(tier: string, at: string): CatalogEntry {
  const e = entry(tier, at, { kind: 'pre-restore', taken_for: { restore_of: '20261121T100000Z-abc123', at } });
  const id = e.manifest.id.replace('abc123', 'snap00');
  return { ...e, dir: e.dir.replace(e.manifest.id, id), manifest: { ...e.manifest, id } };
}

function damaged(e: CatalogEntry, problem: string, withManifest = true): DamagedBackup {
  return {
    tier: e.tier, dir: e.dir, id: e.manifest.id, system: 'demo', category: 'files', source: 'uploads',
    ...(withManifest ? { manifest: e.manifest } : {}), problem, found_by: 'scan', keys: [], bytes: 0,
  };
}

const query = { category: 'files', source: 'uploads', tiers: ['hot', 'offsite'] };
const b1 = '2026-11-21T10:00:00Z';
const b2 = '2026-11-21T11:00:00Z';
const snap = '2026-11-21T11:30:00Z';

describe('restoreCandidates', () => {
  const entries = [entry('hot', b1), entry('offsite', b1), entry('hot', b2), entry('offsite', b2), snapshot('hot', snap)];

  it('never picks a pre-restore snapshot by default or with --at, but does with --backup ID', () => {
    expect(restoreCandidates(entries, [], query).map((c) => c.id)).toEqual(['20261121T110000Z-abc123', '20261121T100000Z-abc123']);
    expect(restoreCandidates(entries, [], { ...query, at: new Date('2026-11-21T11:45:00Z') })[0]!.id).toBe('20261121T110000Z-abc123');
    const explicit = restoreCandidates(entries, [], { ...query, id: '20261121T113000Z-snap00' });
    expect(explicit).toEqual([expect.objectContaining({ id: '20261121T113000Z-snap00', kind: 'pre-restore' })]);
    expect(pickBackup(entries, {})?.manifest.kind).toBe('full');
  });

  it('lists the copies of a backup in tier order, a damaged copy with its problem', () => {
    const hotB2 = entry('hot', b2);
    const withDamage = entries.filter((e) => !(e.tier === 'hot' && e.manifest.id === hotB2.manifest.id));
    const [first] = restoreCandidates(withDamage, [damaged(hotB2, 'artifact data.tar.zst is missing')], query);
    expect(first!.copies.map((c) => [c.tier, c.skip ?? 'try'])).toEqual([['hot', 'damaged: artifact data.tar.zst is missing'], ['offsite', 'try']]);
  });

  it('keeps the newest backup first even when every copy of it is damaged, so the restore says so', () => {
    const only = [entry('hot', b1), entry('offsite', b1)];
    const lost = [damaged(entry('hot', b2), 'manifest cannot be read: invalid manifest: not JSON', false), damaged(entry('offsite', b2), 'artifact data.tar.zst is missing')];
    const choices = restoreCandidates(only, lost, query);
    expect(choices.map((c) => [c.id, c.copies.every((x) => x.skip !== undefined)])).toEqual([
      ['20261121T110000Z-abc123', true],
      ['20261121T100000Z-abc123', false],
    ]);
  });

  it('a copy a checksum found damaged is skipped, not read again', () => {
    const bad = { ...damaged(entry('hot', b2), 'sha256 is 00, the manifest says aa'), found_by: 'checksum' as const };
    const [first] = restoreCandidates(entries, [bad], query);
    expect(first!.copies.map((c) => [c.tier, Boolean(c.entry)])).toEqual([['hot', false], ['offsite', true]]);
  });

  it('reads only --from when given', () => {
    const [first] = restoreCandidates(entries, [], { ...query, tiers: ['offsite'] });
    expect(first!.copies.map((c) => c.tier)).toEqual(['offsite']);
  });

  it('lists a tier whose catalogue cannot be read as a skipped copy of every backup, so the restore says why', () => {
    const [first] = restoreCandidates(entries.filter((e) => e.tier === 'offsite'), [], { ...query, unreadable: new Map([['hot', 's3://b: connect ECONNREFUSED']]) });
    expect(first!.copies.map((c) => [c.tier, c.skip ?? 'try'])).toEqual([['hot', 'the tier cannot be read: s3://b: connect ECONNREFUSED'], ['offsite', 'try']]);
  });
});

describe('a damaged copy whose manifest cannot be read', () => {
  it('is dated by its id, so an old one is not taken for the newest backup', () => {
    const old = entry('hot', '2026-11-20T10:00:00Z');
    const unreadable = { ...damaged(old, 'manifest cannot be read: invalid manifest: not JSON', false) };
    const choices = restoreCandidates([entry('hot', b2)], [unreadable], query);
    expect(choices.map((c) => [c.id, c.started_at])).toEqual([
      ['20261121T110000Z-abc123', '2026-11-21T11:00:00Z'],
      ['20261120T100000Z-abc123', '2026-11-20T10:00:00.000Z'],
    ]);
  });
});
