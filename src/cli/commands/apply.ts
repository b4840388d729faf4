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
    .option('--break-lock', "break another host's lock whose TTL expired before starting (a dead run's lock on this host is taken over anyway; a live run's lock never: see `strata unlock --force`)")
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
          // Parts of the plan that could not run (a dead source, a secret this host lacks) make apply fail after
          // it has done the rest, so the merge that triggered it goes red. A damaged old copy blocks nothing.
          const blocking = plan.problems.filter((p) => p.kind !== 'damaged-backup');
          const withProblems = (code: number): number => {
            if (blocking.length === 0 || code !== EXIT.OK) return code;
            io.err(`Apply could not run every part of the plan: ${blocking.length === 1 ? '1 problem' : `${blocking.length} problems`} (listed above).`);
            return EXIT.ERROR;
          };
          if (!hasChanges(plan)) return withProblems(EXIT.OK);
          if (!options.yes && !planfile) {
            if (!io.interactive) throw new CliError('refusing to apply without confirmation in a non-interactive session', EXIT.ERROR, 'pass --yes, or apply a reviewed plan file');
            if (!(await confirm('Do you want to perform these actions?'))) {
              io.err('Apply cancelled.');
              return EXIT.ERROR;
            }
          }
          const applyCtx = buildApplyContext(ctx, prepared, identity, io.err);
          const outcome = await applyPlan(plan, applyCtx, { renderer: (options.progress ?? 'auto') as 'auto' | 'plain' | 'silent' });
          return withProblems(reportOutcome(outcome, io, 'Apply'));
        },
      );
    });
}
