import type { Command } from 'commander';
import { formatDuration } from '../../model/duration.js';
import type { CategoryEvidence } from '../../model/evidence.js';
import { readEvidence } from '../../state/evidence-store.js';
import { computeStatus } from '../../status/compute-status.js';
import { renderMetrics } from '../../status/render-metrics.js';
import { readCatalog } from '../catalog.js';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';

export function registerStatus(program: Command, io: Io): void {
  addCommonOptions(program.command('status'))
    .description('per category: last good backup against the RPO, last verification, measured restore time against the RTO; exits 1 on an RPO breach')
    .option('--json', 'print JSON')
    .option('--metrics', 'print Prometheus text-format metrics')
    .action(async (options: CommonOptions & { json?: boolean; metrics?: boolean }) => {
      const ctx = await loadContext(options);
      const catalog = await readCatalog(ctx.policies, ctx.resolveSecret);
      const evidence: Record<string, Record<string, CategoryEvidence>> = {};
      for (const policy of ctx.policies) {
        evidence[policy.system] = {};
        for (const c of policy.categories) evidence[policy.system]![c.name] = await readEvidence(ctx.stateDir, policy.system, c.name);
      }
      const rows = computeStatus(ctx.policies, catalog.entries, evidence, new Date());
      if (options.metrics) io.out(renderMetrics(rows));
      else if (options.json) io.out(JSON.stringify({ format_version: 1, categories: rows, errors: catalog.errors }, null, 2));
      else {
        io.out(
          formatTable(
            ['SYSTEM', 'CATEGORY', 'LAST BACKUP', 'AGE / RPO', 'LAST VERIFY', 'RESTORE / RTO'],
            rows.map((r) => [
              r.system,
              r.category,
              r.last_backup_at ?? 'never',
              `${r.last_backup_age_seconds !== undefined ? formatDuration(r.last_backup_age_seconds * 1000) : '-'} / ${formatDuration(r.rpo_seconds * 1000)} ${r.rpo_ok ? 'ok' : 'BREACH'}`,
              r.last_verification ? `${r.last_verification.kind} ${r.last_verification.ok ? 'ok' : 'FAILED'} ${r.last_verification.at}` : 'never',
              r.measured_restore_seconds !== undefined
                ? `${formatDuration(Math.round(r.measured_restore_seconds * 1000))} / ${formatDuration(r.rto_seconds * 1000)} ${r.rto_ok ? 'ok' : 'TOO SLOW'}`
                : `not measured / ${formatDuration(r.rto_seconds * 1000)}`,
            ]),
          ),
        );
      }
      for (const error of catalog.errors) io.err(`warning: could not read ${error}`);
      io.exitCode = rows.some((r) => !r.rpo_ok) || catalog.errors.length > 0 ? EXIT.ERROR : EXIT.OK;
    });
}
