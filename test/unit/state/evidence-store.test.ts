import { describe, expect, it } from 'vitest';
import { addRecord, emptyEvidence } from '../../../src/state/evidence-store.js';
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
});
