// What a restore test restores: the newest regular backup per source in the tier, or, when the newest one is a
// damaged copy, that copy (the test then fails with its problem instead of quietly testing an older backup).
import { describe, expect, it } from 'vitest';
import { newestPerSource } from '../../../src/apply/execute-verify.js';
import type { DamagedBackup } from '../../../src/model/catalog.js';
import { entry } from '../plan/fixtures.js';

function unreadable(at: string): DamagedBackup {
  const e = entry('hot', at);
  return { tier: 'hot', dir: e.dir, id: e.manifest.id, system: 'demo', category: 'files', source: 'uploads', problem: 'manifest cannot be read', found_by: 'scan', keys: [], bytes: 0 };
}

describe('newestPerSource', () => {
  it('dates a copy whose manifest cannot be read by its id', () => {
    const good = entry('hot', '2026-11-21T11:00:00Z');
    expect(newestPerSource([good], [unreadable('2026-11-20T10:00:00Z')])).toEqual([good]);
    expect(newestPerSource([good], [unreadable('2026-11-21T12:00:00Z')])).toEqual([expect.objectContaining({ found_by: 'scan' })]);
  });

  it('never picks a pre-restore snapshot', () => {
    const good = entry('hot', '2026-11-21T11:00:00Z');
    const snap = entry('hot', '2026-11-21T12:00:00Z', { kind: 'pre-restore', id: '20261121T120000Z-snap00' });
    expect(newestPerSource([good, snap], [])).toEqual([good]);
  });
});
