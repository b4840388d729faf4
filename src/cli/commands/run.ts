import type { Command } from 'commander';
import { applyPlan } from '../../apply/apply-plan.js';
import { parseDuration } from '../../model/duration.js';
import { addCommonOptions, addIdentityOption, resolveIdentity, type CommonOptions } from '../common-options.js';
import { buildApplyContext } from '../build-apply-context.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { planJob, type Job } from '../job-plan.js';
import { findCategory, loadContext } from '../load-context.js';
import { preparePlan } from '../prepare-plan.js';
import { reportOutcome } from '../report-outcome.js';
import { withLocks } from '../with-locks.js';

interface RunOptions extends CommonOptions {
  job: string;
  system?: string;
  breakLock?: boolean;
  lockTtl?: string;
  progress?: string;
}

export function registerRun(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('run')))
    .argument('<category>', 'category name, or SYSTEM/CATEGORY')
    .description('run one job of one category now (what installed schedules call)')
    .option('--job <job>', 'backup | prune | verify', 'backup')
    .option('--system <name>', 'system, when the category name exists in several')
    .option('--break-lock', 'break a stale lock (expired TTL) before starting')
    .option('--lock-ttl <duration>', 'how long the lock is valid', '6h')
    .option('--progress <mode>', 'auto | plain | silent', 'auto')
    .action(async (spec: string, options: RunOptions) => {
      if (!['backup', 'prune', 'verify'].includes(options.job)) {
        throw new CliError(`unknown job ${options.job}`, EXIT.ERROR, 'use --job backup, prune or verify');
      }
      const ctx = await loadContext(options);
      const { policy, category } = findCategory(ctx.policies, spec, options.system);
      const identity = resolveIdentity(options.identity);
      const scoped = { ...ctx, policies: [policy] };
      io.exitCode = await withLocks(
        ctx.stateDir,
        [policy.system],
        { command: `strata run ${policy.system}/${category.name} --job ${options.job}`, ttlMs: parseDuration(options.lockTtl ?? '6h'), breakLock: options.breakLock, warn: io.err },
        async () => {
          const prepared = await preparePlan(scoped, identity, new Date());
          const plan = planJob(prepared.plan, policy, category, options.job as Job);
          for (const problem of plan.problems) io.err(`problem: ${problem.message}${problem.hint ? ` (hint: ${problem.hint})` : ''}`);
          const blocked = plan.problems.some((p) => p.category === category.name);
          const outcome = await applyPlan(plan, buildApplyContext(scoped, prepared, identity, io.err), {
            renderer: (options.progress ?? 'auto') as 'auto' | 'plain' | 'silent',
          });
          const code = reportOutcome(outcome, io, `Job ${options.job} of ${policy.system}/${category.name}`);
          return blocked && options.job === 'backup' ? EXIT.ERROR : code;
        },
      );
    });
}
