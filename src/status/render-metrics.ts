// Prometheus text exposition of status, for node_exporter's textfile collector or a scrape wrapper.
import type { CategoryStatus } from './compute-status.js';

function labels(s: CategoryStatus, extra: Record<string, string> = {}): string {
  return [`system="${s.system}"`, `category="${s.category}"`, ...Object.entries(extra).map(([k, v]) => `${k}="${v}"`)].join(',');
}

type Sample = [CategoryStatus, number | undefined, Record<string, string>?];

export function renderMetrics(rows: readonly CategoryStatus[]): string {
  const lines: string[] = [];
  const metric = (name: string, help: string, type: string, values: Sample[]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [row, value, extra] of values) if (value !== undefined) lines.push(`${name}{${labels(row, extra)}} ${value}`);
  };
  const perKind = (pick: (v: CategoryStatus['verifications'][number]) => number): Sample[] =>
    rows.flatMap((r) => r.verifications.map((v): Sample => [r, pick(v), { kind: v.kind }]));
  metric('strata_rpo_seconds', 'Recovery point objective of the category.', 'gauge', rows.map((r) => [r, r.rpo_seconds]));
  metric('strata_rto_seconds', 'Recovery time objective of the category.', 'gauge', rows.map((r) => [r, r.rto_seconds]));
  metric('strata_last_backup_timestamp_seconds', 'Start time of the newest good backup (stalest source).', 'gauge',
    rows.map((r) => [r, r.last_backup_at ? Date.parse(r.last_backup_at) / 1000 : undefined]));
  metric('strata_last_backup_age_seconds', 'Age of the newest good backup (stalest source).', 'gauge', rows.map((r) => [r, r.last_backup_age_seconds]));
  metric('strata_rpo_ok', '1 when the newest good backup is within the RPO.', 'gauge', rows.map((r) => [r, r.rpo_ok ? 1 : 0]));
  metric('strata_last_verification_ok', '1 when the last verification passed.', 'gauge',
    rows.map((r) => [r, r.last_verification ? (r.last_verification.ok ? 1 : 0) : undefined]));
  metric('strata_last_verification_timestamp_seconds', 'Time of the last verification.', 'gauge',
    rows.map((r) => [r, r.last_verification ? Date.parse(r.last_verification.at) / 1000 : undefined]));
  metric('strata_verification_ok', '1 when the last verification of this kind (checksum, restore_test, drill) passed.', 'gauge', perKind((v) => (v.ok ? 1 : 0)));
  metric('strata_verification_timestamp_seconds', 'Time of the last verification of this kind.', 'gauge', perKind((v) => Date.parse(v.at) / 1000));
  metric('strata_damaged_backups', 'Copies of backups that cannot be trusted (artifact missing, short, unreadable or not matching its manifest).', 'gauge',
    rows.map((r) => [r, r.damaged.length]));
  metric('strata_measured_restore_seconds', 'Duration of the last successful restore test or drill.', 'gauge', rows.map((r) => [r, r.measured_restore_seconds]));
  metric('strata_rto_ok', '1 when the measured restore time is within the RTO.', 'gauge', rows.map((r) => [r, r.rto_ok === undefined ? undefined : r.rto_ok ? 1 : 0]));
  return lines.join('\n') + '\n';
}
