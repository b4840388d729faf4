// `apply --policies PLANFILE`: a saved plan given where a policy path goes. A saved plan is recognised by its
// content (a JSON plan: format_version, policy_digest, actions), whatever its name, and taken out of the policy
// paths, so it means the same as `apply PLANFILE`. (--policies is repeated, not variadic, so
// `apply --policies X PLANFILE` reaches apply as the positional argument anyway.)
import { readFileSync, statSync } from 'node:fs';
import { CliError, EXIT } from './exit-codes.js';

/** Plans are small; a policy path that is a directory or a big file is never a plan. */
const MAX_PLAN_BYTES = 64 * 1024 * 1024;

export function isSavedPlanFile(path: string): boolean {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_PLAN_BYTES) return false;
    const text = readFileSync(path, 'utf8');
    if (!text.trimStart().startsWith('{')) return false;
    const doc = JSON.parse(text) as Record<string, unknown>;
    return typeof doc === 'object' && doc !== null && 'format_version' in doc && typeof doc.policy_digest === 'string' && Array.isArray(doc.actions);
  } catch {
    return false;
  }
}

/** Splits `--policies` values into policy paths and at most one saved plan (with the positional one). */
export function separatePlanFile(policies: string[] | undefined, planfile: string | undefined): { policies: string[] | undefined; planfile: string | undefined } {
  if (!policies || policies.length === 0) return { policies, planfile };
  const plans = policies.filter(isSavedPlanFile);
  if (plans.length === 0) return { policies, planfile };
  const all = planfile === undefined ? plans : [planfile, ...plans];
  if (all.length > 1) {
    throw new CliError(
      `apply takes one saved plan, got ${all.length}: ${all.join(', ')}`,
      EXIT.ERROR,
      'pass one plan file (from `strata plan --out FILE`); --policies takes policy files and directories',
    );
  }
  const rest = policies.filter((p) => !plans.includes(p));
  // `--policies PLAN` alone: the policies come from STRATA_POLICIES or ./policies, as for `apply PLAN`.
  return { policies: rest.length > 0 ? rest : undefined, planfile: plans[0] };
}
