import type { Command } from 'commander';
import { formatDuration } from '../../model/duration.js';
import type { CategoryEvidence } from '../../model/evidence.js';
import { readEvidence } from '../../state/evidence-store.js';
import { computeStatus, type CategoryStatus } from '../../status/compute-status.js';
import { renderMetrics } from '../../status/render-metrics.js';
import { judgeStatus, STATUS_EXIT } from '../../status/status-exit.js';
import { readCatalog } from '../catalog.js';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { formatTable } from '../format-table.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';

const EXIT_HELP = `
Exit codes (when several apply, the lowest wins; every reason is printed on stderr):
  ${STATUS_EXIT.OK}  every category is healthy
  ${STATUS_EXIT.RPO_BREACHED}  an RPO is breached (no good backup recent enough), a tier cannot be read, or an error
  ${STATUS_EXIT.UNTRUSTED}  a backup cannot be trusted: the last checksum, restore test or drill failed, or a backup is damaged
  ${STATUS_EXIT.RTO_EXCEEDED}  the measured restore time exceeds the RTO`;

function verificationCell(r: CategoryStatus): string {
  if (r.verifications.length === 0) return 'never';
  const failed = r.verifications.filter((v) => !v.ok);
  if (failed.length > 0) return failed.map((v) => `${v.kind} FAILED ${v.at}`).join(', ');
  return r.last_verification ? `${r.last_verification.kind} ok ${r.last_verification.at}` : 'ok';
}

export function registerStatus(program: Command, io: Io): void {
  addCommonOptions(program.command('status'))
    .description('per category: last good backup against the RPO, verifications, damaged backups, measured restore time against the RTO')
    .option('--json', 'print JSON')
    .option('--metrics', 'print Prometheus text-format metrics')
    .addHelpText('after', EXIT_HELP)
    .action(async (options: CommonOptions & { json?: boolean; metrics?: boolean }) => {
      const ctx = await loadContext(options);
      const catalog = await readCatalog(ctx.policies, ctx.resolveSecret);
      const evidence: Record<string, Record<string, CategoryEvidence>> = {};
      for (const policy of ctx.policies) {
        evidence[policy.system] = {};
        for (const c of policy.categories) evidence[policy.system]![c.name] = await readEvidence(ctx.stateDir, policy.system, c.name);
      }
      const rows = computeStatus(ctx.policies, catalog.entries, evidence, new Date(), catalog.damagedBackups);
      const verdict = judgeStatus(rows, catalog.errors);
      if (options.metrics) io.out(renderMetrics(rows));
      else if (options.json) io.out(JSON.stringify({ format_version: 1, categories: rows, errors: catalog.errors, exit_code: verdict.code, reasons: verdict.reasons }, null, 2));
      else {
        io.out(
          formatTable(
            ['SYSTEM', 'CATEGORY', 'LAST BACKUP', 'AGE / RPO', 'VERIFICATION', 'DAMAGED', 'RESTORE / RTO'],
            rows.map((r) => [
              r.system,
              r.category,
              r.last_backup_at ?? 'never',
              `${r.last_backup_age_seconds !== undefined ? formatDuration(r.last_backup_age_seconds * 1000) : '-'} / ${formatDuration(r.rpo_seconds * 1000)} ${r.rpo_ok ? 'ok' : 'BREACH'}`,
              verificationCell(r),
              r.damaged.length > 0 ? `${r.damaged.length} DAMAGED` : '-',
              r.measured_restore_seconds !== undefined
                ? `${formatDuration(Math.round(r.measured_restore_seconds * 1000))} / ${formatDuration(r.rto_seconds * 1000)} ${r.rto_ok ? 'ok' : 'TOO SLOW'}`
                : `not measured / ${formatDuration(r.rto_seconds * 1000)}`,
            ]),
          ),
        );
      }
      for (const reason of verdict.reasons) io.err(`status: ${reason}`);
      io.exitCode = verdict.code;
    });
}
