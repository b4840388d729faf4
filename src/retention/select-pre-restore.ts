// Retention of pre-restore snapshots: they are a way back from a restore, not backups. Each is kept for a
// fixed window (`pre_restore_keep`, default 7d) after it was taken, except the snapshot of the newest restore,
// which is kept whatever its age: it is the only way back to the data that restore replaced. Pure.
import { formatDuration } from '../model/duration.js';

export interface PreRestoreSnapshot {
  id: string;
  /** When it was taken (taken_for.at, else the snapshot's start time). */
  time: Date;
  /** The backup the restore wrote over the live data, when recorded. */
  restoreOf?: string;
}

export interface PreRestoreDecision {
  id: string;
  time: Date;
  keep: boolean;
  /** Why it is kept or dropped; never empty. */
  reasons: string[];
}

function newestFirst(a: PreRestoreSnapshot, b: PreRestoreSnapshot): number {
  return b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function selectPreRestore(snapshots: readonly PreRestoreSnapshot[], keepMs: number, now: Date): PreRestoreDecision[] {
  const window = formatDuration(keepMs);
  return [...snapshots].sort(newestFirst).map((snapshot, index) => {
    const ageMs = now.getTime() - snapshot.time.getTime();
    const until = new Date(snapshot.time.getTime() + keepMs).toISOString();
    if (index === 0) {
      const of = snapshot.restoreOf ? ` of backup ${snapshot.restoreOf}` : '';
      const reasons = [`protected: the only way back from the newest restore${of} (taken ${snapshot.time.toISOString()})`];
      return { id: snapshot.id, time: snapshot.time, keep: true, reasons };
    }
    if (ageMs < keepMs) {
      return { id: snapshot.id, time: snapshot.time, keep: true, reasons: [`pre-restore snapshot, kept for ${window} (until ${until})`] };
    }
    return { id: snapshot.id, time: snapshot.time, keep: false, reasons: [`pre-restore snapshot older than ${window} (pre_restore_keep), superseded by a newer restore's snapshot`] };
  });
}
