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
  now?: boolean;
}

export function registerRun(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('run')))
    .argument('<category>', 'category name, or SYSTEM/CATEGORY')
    .description('run one job of one category now (what installed schedules call)')
    .option('--job <job>', 'backup | prune | verify', 'backup')
    .option('--system <name>', 'system, when the category name exists in several')
    .option('--break-lock', "break another host's lock whose TTL expired before starting (a dead run's lock on this host is taken over anyway; a live run's lock never: see `strata unlock --force`)")
    .option('--lock-ttl <duration>', 'how long the lock is valid', '6h')
    .option('--progress <mode>', 'auto | plain | silent', 'auto')
    .option('--now', 'verify: check every copy now (checksum of every copy, and the restore test and drill the category configures), whatever is due')
    .action(async (spec: string, options: RunOptions) => {
      if (!['backup', 'prune', 'verify'].includes(options.job)) {
        throw new CliError(`unknown job ${options.job}`, EXIT.ERROR, 'use --job backup, prune or verify');
      }
      if (options.now && options.job !== 'verify') {
        throw new CliError(`--now applies to --job verify only`, EXIT.ERROR, `a ${options.job} job always runs now; drop --now`);
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
          const plan = planJob(prepared.plan, policy, category, options.job as Job, {
            now: options.now, identityAvailable: prepared.world.observed.identityAvailable,
          });
          for (const problem of plan.problems) io.err(`problem: ${problem.message}${problem.hint ? ` (hint: ${problem.hint})` : ''}`);
          // A damaged old backup is reported above, but it does not stop this category's backup from running.
          const blocked = plan.problems.some((p) => p.category === category.name && p.kind !== 'damaged-backup');
          const outcome = await applyPlan(plan, buildApplyContext(scoped, prepared, identity, io.err), {
            renderer: (options.progress ?? 'auto') as 'auto' | 'plain' | 'silent',
          });
          const code = reportOutcome(outcome, io, `Job ${options.job} of ${policy.system}/${category.name}`);
          // A verify job that found damage (or could not run a check that was asked for) has not verified the category.
          const untrusted = options.job === 'verify' && plan.problems.some((p) => p.category === category.name && (p.kind === 'damaged-backup' || options.now));
          return (blocked && options.job === 'backup') || untrusted ? EXIT.ERROR : code;
        },
      );
    });
}
