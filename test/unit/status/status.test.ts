// Issue 8, items 1, 4 and 5: status counts only good regular backups, shows every verification's last result
// and damaged copies (text, JSON, metrics), and exits with a distinct code per condition, the lowest winning.
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../src/model/catalog.js';
import type { CategoryEvidence, VerificationRecord } from '../../../src/model/evidence.js';
import { computeStatus } from '../../../src/status/compute-status.js';
import { renderMetrics } from '../../../src/status/render-metrics.js';
import { judgeStatus, STATUS_EXIT } from '../../../src/status/status-exit.js';
import { NOW, entry, policy } from '../plan/fixtures.js';

const GOOD = '2026-11-21T12:00:00Z';
const ID = '20261121T120000Z-abc123';

function record(kind: VerificationRecord['kind'], ok: boolean, extra: Partial<VerificationRecord> = {}): VerificationRecord {
  return { kind, system: 'demo', category: 'files', at: '2026-11-21T12:05:00Z', ok, backup_ids: [ID], details: ok ? [] : [`hot/${ID}: sha256 is 00, the manifest says aa`], ...extra };
}

function status(entries: CatalogEntry[], ev: Partial<CategoryEvidence> = {}) {
  return computeStatus([policy()], entries, { demo: { files: { verified_backup_ids: [], ...ev } } }, NOW);
}

describe('status', () => {
  it('a pre-restore snapshot never makes a category fresh', () => {
    const snap = entry('hot', '2026-11-21T12:29:00Z', { kind: 'pre-restore', id: '20261121T122900Z-snap00' });
    const [row] = status([entry('hot', '2026-11-21T09:00:00Z'), snap]);
    expect(row).toMatchObject({ rpo_ok: false, last_backup_at: '2026-11-21T09:00:00Z' });
    expect(row!.sources[0]!.backup_id).toBe('20261121T090000Z-abc123');
  });

  it('a copy whose checksum failed is damaged and not counted; the failed check shows in every output', () => {
    const ev: Partial<CategoryEvidence> = {
      checksum: record('checksum', false),
      restore_test: record('restore_test', true, { at: '2026-11-21T12:06:00Z', duration_ms: 1000 }),
      last_good_restore: record('restore_test', true, { at: '2026-11-21T12:06:00Z', duration_ms: 1000 }),
      damaged_copies: [{ tier: 'hot', backup_id: ID, source: 'uploads', problem: 'sha256 is 00, the manifest says aa', at: '2026-11-21T12:05:00Z' }],
    };
    const [row] = status([entry('hot', GOOD)], ev);
    expect(row).toMatchObject({ rpo_ok: false, verification_ok: false });
    expect(row!.last_verification).toMatchObject({ kind: 'restore_test', ok: true }); // the newest alone would hide it
    expect(row!.damaged).toEqual([{ backup_id: ID, source: 'uploads', tier: 'hot', problem: 'sha256 is 00, the manifest says aa', found_by: 'checksum', at: '2026-11-21T12:05:00Z' }]);
    const metrics = renderMetrics([row!]);
    expect(metrics).toContain('strata_verification_ok{system="demo",category="files",kind="checksum"} 0');
    expect(metrics).toContain('strata_verification_ok{system="demo",category="files",kind="restore_test"} 1');
    expect(metrics).toContain('strata_damaged_backups{system="demo",category="files"} 1');
  });

  it('exits 4 when a verification failed, 5 when the restore is slower than the RTO, and the lowest code wins', () => {
    const fresh = [entry('hot', GOOD), entry('offsite', GOOD)];
    const ok = status(fresh, { checksum: record('checksum', true) });
    expect(judgeStatus(ok)).toEqual({ code: STATUS_EXIT.OK, reasons: [] });

    const failed = status(fresh, { restore_test: record('restore_test', false, { details: ['uploads: files 3 restored, the manifest says 4'] }) });
    const verdict = judgeStatus(failed);
    expect(verdict.code).toBe(4);
    expect(verdict.reasons).toEqual([`demo/files: the last restore_test at 2026-11-21T12:05:00Z failed: uploads: files 3 restored, the manifest says 4`]);

    const slow = status(fresh, { last_good_restore: record('restore_test', true, { duration_ms: 2 * 3_600_000 }), restore_test: record('restore_test', true, { duration_ms: 2 * 3_600_000 }) });
    expect(judgeStatus(slow)).toEqual({ code: 5, reasons: ['demo/files: the measured restore took 2h, longer than the rto of 1h'] });
    expect(renderMetrics(slow)).toContain('strata_rto_ok{system="demo",category="files"} 0');

    const slowAndFailed = status(fresh, { checksum: record('checksum', false), last_good_restore: record('restore_test', true, { duration_ms: 2 * 3_600_000 }) });
    expect(judgeStatus(slowAndFailed).code).toBe(4);
    expect(judgeStatus(slowAndFailed).reasons).toHaveLength(2);

    const stale = status([entry('hot', '2026-11-20T00:00:00Z')], { checksum: record('checksum', false) });
    expect(judgeStatus(stale).code).toBe(STATUS_EXIT.RPO_BREACHED);
    expect(judgeStatus(ok, ['demo/hot: unreadable']).code).toBe(1);
  });
});
