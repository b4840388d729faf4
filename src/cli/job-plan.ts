// What a scheduled `strata run CATEGORY --job X` does: the timer fired, so the job runs now whatever the
// due times say, plus what the fresh plan wants for that category and job.
import type { ResolvedCategory, ResolvedPolicy } from '../model/policy-model.js';
import { summarisePlan } from '../plan/create-plan.js';
import { planVerifyNow } from '../plan/plan-verify.js';
import type { Action, Plan } from '../plan/plan-model.js';

export type Job = 'backup' | 'prune' | 'verify';

export interface JobOptions {
  /** verify: run every check now, whatever is due (`--now`). */
  now?: boolean;
  identityAvailable?: boolean;
}

export function planJob(fresh: Plan, policy: ResolvedPolicy, category: ResolvedCategory, job: Job, options: JobOptions = {}): Plan {
  const extraProblems: Plan['problems'] = [];
  const mine = fresh.actions.filter((a) => a.system === policy.system && 'category' in a && a.category === category.name);
  let actions: Action[];
  if (job === 'backup') {
    actions = category.data.map((d) => ({
      type: 'backup', op: 'run', system: policy.system, category: category.name, source: d.source, overdue: false,
      reason: 'scheduled run',
    }));
    actions.push(...mine.filter((a) => a.type === 'copy'));
  } else if (job === 'prune') {
    const prefix = `${policy.system}/${category.name}/`;
    actions = [
      ...fresh.actions.filter((a) => a.system === policy.system && a.type === 'cleanup' && a.dir.startsWith(prefix)),
      ...mine.filter((a) => a.type === 'prune'),
    ];
  } else if (options.now) {
    const now = planVerifyNow(policy, category, options.identityAvailable ?? false);
    actions = [...mine.filter((a) => a.type === 'scratch'), ...now.actions];
    extraProblems.push(...now.problems);
  } else {
    // One verify timer serves several cadences (checksum daily, restore_test weekly …), so only due checks run.
    // Scratch left by an interrupted restore test of this category goes first, before new scratch is made.
    actions = mine.filter((a) => a.type === 'scratch' || a.type === 'verify');
  }
  const problems = [...fresh.problems.filter((p) => p.system === policy.system && (!p.category || p.category === category.name)), ...extraProblems];
  return { ...fresh, actions, summary: summarisePlan(actions), problems };
}
