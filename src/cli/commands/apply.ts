import type { Command } from 'commander';
import { applyPlan } from '../../apply/apply-plan.js';
import { hasChanges } from '../../plan/create-plan.js';
import { renderPlanText } from '../../plan/render-plan-text.js';
import { parseDuration } from '../../model/duration.js';
import { addCommonOptions, addIdentityOption, resolveIdentity, type CommonOptions } from '../common-options.js';
import { buildApplyContext } from '../build-apply-context.js';
import { confirm } from '../confirm.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';
import { separatePlanFile } from '../plan-file-argument.js';
import { preparePlan } from '../prepare-plan.js';
import { reportOutcome } from '../report-outcome.js';
import { assertPlanCurrent, readSavedPlan } from '../saved-plan.js';
import { withLocks } from '../with-locks.js';

interface ApplyOptions extends CommonOptions {
  yes?: boolean;
  breakLock?: boolean;
  lockTtl?: string;
  progress?: string;
}

export function registerApply(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('apply')))
    .argument('[planfile]', 'a plan saved by `strata plan --out`; apply refuses it if the world changed since')
    .description('carry out a fresh plan (or exactly a saved one): install schedules, run due backups, verify, prune, render')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--break-lock', 'break a stale lock (expired TTL) before starting')
    .option('--lock-ttl <duration>', 'how long the lock is valid', '6h')
    .option('--progress <mode>', 'auto | plain | silent', 'auto')
    .action(async (planArgument: string | undefined, options: ApplyOptions) => {
      // `--policies X PLANFILE` and `PLANFILE --policies X` mean the same: the plan is known by its content.
      const { policies, planfile } = separatePlanFile(options.policies, planArgument);
      const ctx = await loadContext({ ...options, policies });
      if (ctx.warnings) io.err(ctx.warnings);
      const identity = resolveIdentity(options.identity);
      const systems = ctx.policies.map((p) => p.system);
      io.exitCode = await withLocks(
        ctx.stateDir,
        systems,
        { command: `strata apply${planfile ? ` ${planfile}` : ''}`, ttlMs: parseDuration(options.lockTtl ?? '6h'), breakLock: options.breakLock, warn: io.err },
        async () => {
          const prepared = await preparePlan(ctx, identity, new Date());
          let plan = prepared.plan;
          if (planfile) {
            const saved = await readSavedPlan(planfile);
            assertPlanCurrent(saved, plan);
            plan = saved;
          }
          io.err(renderPlanText(plan, { color: Boolean(process.stderr.isTTY) }));
          if (!hasChanges(plan)) return EXIT.OK;
          if (!options.yes && !planfile) {
            if (!io.interactive) throw new CliError('refusing to apply without confirmation in a non-interactive session', EXIT.ERROR, 'pass --yes, or apply a reviewed plan file');
            if (!(await confirm('Do you want to perform these actions?'))) {
              io.err('Apply cancelled.');
              return EXIT.ERROR;
            }
          }
          const applyCtx = buildApplyContext(ctx, prepared, identity, io.err);
          const outcome = await applyPlan(plan, applyCtx, { renderer: (options.progress ?? 'auto') as 'auto' | 'plain' | 'silent' });
          return reportOutcome(outcome, io, 'Apply');
        },
      );
    });
}
