// Saved plans: apply carries out exactly the saved actions, and refuses when the world moved since.
import { readFile } from 'node:fs/promises';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/plan-model.js';
import { CliError, EXIT } from './exit-codes.js';

export async function readSavedPlan(path: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (error) {
    throw new CliError(`cannot read the saved plan ${path}: ${(error as Error).message}`, EXIT.ERROR, 'create one with `strata plan --out FILE`');
  }
  if (plan.format_version !== PLAN_FORMAT_VERSION) {
    throw new CliError(`${path} has plan format ${String(plan.format_version)}, this strata reads ${PLAN_FORMAT_VERSION}`, EXIT.ERROR, 'run `strata plan --out FILE` again');
  }
  return plan;
}

export function assertPlanCurrent(saved: Plan, fresh: Plan): void {
  const reasons: string[] = [];
  if (saved.policy_digest !== fresh.policy_digest) reasons.push('the policy files changed');
  if (saved.observed_digest !== fresh.observed_digest) reasons.push('the observed state (backups, schedules, rendered files or evidence) changed');
  if (reasons.length > 0) {
    throw new CliError(
      `the saved plan is stale: ${reasons.join(' and ')} since it was created at ${saved.created_at}`,
      EXIT.STALE_PLAN,
      'run `strata plan --out FILE` again, review it, then apply the new file',
    );
  }
}
