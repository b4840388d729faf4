import { describe, expect, it } from 'vitest';
import { addRecord, emptyEvidence, foldCopyChecks } from '../../../src/state/evidence-store.js';
import type { VerificationRecord } from '../../../src/model/evidence.js';

function record(kind: VerificationRecord['kind'], ok: boolean, ids: string[]): VerificationRecord {
  return { kind, system: 'demo', category: 'files', at: '2026-11-21T12:00:00Z', ok, backup_ids: ids, details: ok ? [] : ['bad'] };
}

describe('addRecord', () => {
  it('tracks verified and checksummed ids separately, and only for passing checks', () => {
    let ev = emptyEvidence();
    ev = addRecord(ev, record('checksum', true, ['a']));
    ev = addRecord(ev, record('restore_test', false, ['b']));
    ev = addRecord(ev, record('restore_test', true, ['c']));
    expect(ev.checksummed_backup_ids).toEqual(['a']);
    expect(ev.verified_backup_ids).toEqual(['c']);
    expect(ev.last_good_restore?.backup_ids).toEqual(['c']);
    expect(ev.restore_test?.backup_ids).toEqual(['c']);
  });

  it('remembers the copies a checksum found damaged until a later check of the same copy passes', () => {
    let ev = emptyEvidence();
    ev = addRecord(ev, {
      ...record('checksum', false, ['b']),
      copies: [
        { tier: 'hot', backup_id: 'a', source: 'uploads', ok: false, problem: 'artifact missing' },
        { tier: 'offsite', backup_id: 'a', source: 'uploads', ok: true },
      ],
    });
    expect(ev.damaged_copies).toEqual([{ tier: 'hot', backup_id: 'a', source: 'uploads', problem: 'artifact missing', at: '2026-11-21T12:00:00Z' }]);
    // The checksum after a new backup reads only that backup: the damaged copy stays damaged.
    ev = addRecord(ev, { ...record('checksum', true, ['c']), copies: [{ tier: 'hot', backup_id: 'c', source: 'uploads', ok: true }] });
    expect(ev.damaged_copies?.map((d) => d.backup_id)).toEqual(['a']);
    ev = addRecord(ev, { ...record('checksum', true, ['a']), copies: [{ tier: 'hot', backup_id: 'a', source: 'uploads', ok: true }] });
    expect(ev.damaged_copies).toBeUndefined();
    expect(foldCopyChecks([], [{ tier: 't', backup_id: 'x', source: 's', ok: false }], 'now')[0]!.problem).toBe('checksum verification failed');
  });
});
