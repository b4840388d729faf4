// Prometheus text exposition of status, for node_exporter's textfile collector or a scrape wrapper.
import type { CategoryStatus } from './compute-status.js';

function labels(s: CategoryStatus): string {
  return `system="${s.system}",category="${s.category}"`;
}

export function renderMetrics(rows: readonly CategoryStatus[]): string {
  const lines: string[] = [];
  const metric = (name: string, help: string, type: string, values: [CategoryStatus, number | undefined][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [row, value] of values) if (value !== undefined) lines.push(`${name}{${labels(row)}} ${value}`);
  };
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
  metric('strata_measured_restore_seconds', 'Duration of the last successful restore test or drill.', 'gauge', rows.map((r) => [r, r.measured_restore_seconds]));
  return lines.join('\n') + '\n';
}
