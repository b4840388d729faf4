// `strata status` exit codes and the reasons behind them. One code per condition; when several hold, the
// lowest code wins (the most urgent: no recent backup, then backups that cannot be trusted, then a restore
// too slow for the RTO), and every reason is printed. Pure.
import { formatDuration } from '../model/duration.js';
import type { CategoryStatus } from './compute-status.js';

export const STATUS_EXIT = {
  OK: 0,
  /** The newest good backup of some category is older than its RPO (or there is none), or a tier is unreadable. */
  RPO_BREACHED: 1,
  /** The last run of some verification failed, or a backup is damaged. */
  UNTRUSTED: 4,
  /** The measured restore time of some category exceeds its RTO. */
  RTO_EXCEEDED: 5,
} as const;

export interface StatusVerdict {
  code: number;
  /** One line per condition found, most urgent first. */
  reasons: string[];
}

export function judgeStatus(rows: readonly CategoryStatus[], unreadable: readonly string[] = []): StatusVerdict {
  const rpo: string[] = [];
  const untrusted: string[] = [];
  const rto: string[] = [];
  for (const r of rows) {
    const name = `${r.system}/${r.category}`;
    if (!r.rpo_ok) {
      rpo.push(
        r.last_backup_age_seconds === undefined
          ? `${name}: RPO breached: no good backup of ${r.sources.filter((s) => !s.last_backup_at).map((s) => s.source).join(', ')}`
          : `${name}: RPO breached: the newest good backup is ${formatDuration(r.last_backup_age_seconds * 1000)} old, the rpo is ${formatDuration(r.rpo_seconds * 1000)}`,
      );
    }
    for (const v of r.verifications.filter((x) => !x.ok)) {
      untrusted.push(`${name}: the last ${v.kind} at ${v.at} failed${v.details.length ? `: ${v.details.join('; ')}` : ''}`);
    }
    for (const d of r.damaged) untrusted.push(`${name}: backup ${d.backup_id} of ${d.source} on tier ${d.tier} is damaged: ${d.problem}`);
    if (r.rto_ok === false && r.measured_restore_seconds !== undefined) {
      rto.push(`${name}: the measured restore took ${formatDuration(Math.round(r.measured_restore_seconds * 1000))}, longer than the rto of ${formatDuration(r.rto_seconds * 1000)}`);
    }
  }
  const reasons = [...unreadable.map((u) => `could not read ${u}`), ...rpo, ...untrusted, ...rto];
  const code =
    rpo.length > 0 || unreadable.length > 0 ? STATUS_EXIT.RPO_BREACHED
    : untrusted.length > 0 ? STATUS_EXIT.UNTRUSTED
    : rto.length > 0 ? STATUS_EXIT.RTO_EXCEEDED
    : STATUS_EXIT.OK;
  return { code, reasons };
}
