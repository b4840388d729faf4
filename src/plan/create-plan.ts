// The planner: (policies, observed, desired files, now) → Plan. Pure: no I/O, no clock, no randomness.
import { digestOf } from '../model/stable-json.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { DesiredFiles, Observed, ObservedSystem } from './observed-model.js';
import { planBuckets } from './plan-buckets.js';
import { entriesFor, newestEntry, planBackup } from './plan-backups.js';
import { planDamaged } from './plan-damaged.js';
import { planFiles } from './plan-files.js';
import { planHealth, unreachableSourceProblems } from './plan-health.js';
import { planRetention } from './plan-retention.js';
import { planSourceSettings } from './plan-source-settings.js';
import { planVerify } from './plan-verify.js';
import { PLAN_FORMAT_VERSION, type Action, type HealthCheck, type Plan, type PlanSummary, type Problem, type RetentionReport } from './plan-model.js';

export interface PlanInput {
  policies: readonly ResolvedPolicy[];
  observed: Observed;
  desired: Record<string, DesiredFiles>;
  now: Date;
  policyDigest: string;
}

const ORDER: Record<Action['type'], number> = { bucket: 0, cleanup: 1, scratch: 1, 'source-config': 2, schedule: 3, backup: 4, copy: 5, verify: 6, prune: 7, render: 8 };

export function summarisePlan(actions: readonly Action[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0, run: 0 };
  for (const action of actions) {
    if (action.op === 'create') summary.add += 1;
    else if (action.op === 'update') summary.change += 1;
    else if (action.op === 'delete') summary.destroy += 1;
    else summary.run += 1;
  }
  return summary;
}

function planSystem(policy: ResolvedPolicy, observed: ObservedSystem, desired: DesiredFiles | undefined, input: PlanInput) {
  const actions: Action[] = [];
  const problems: Problem[] = [];
  const retention: RetentionReport[] = [];
  const buckets = planBuckets(policy, observed);
  actions.push(...buckets.actions);
  problems.push(...buckets.problems);
  for (const [tier, state] of Object.entries(observed.tiers)) {
    if (state.error) {
      const where = state.location === '(unavailable)' ? '' : ` (${state.location})`;
      problems.push({ system: policy.system, tier, message: `tier ${tier}${where} cannot be used: ${state.error}` });
    }
    for (const debris of state.debris) {
      actions.push({
        type: 'cleanup', op: 'delete', system: policy.system, tier, dir: debris.dir, bytes: debris.bytes,
        reason: debris.reason ?? 'left by a failed or interrupted backup (no manifest)',
      });
    }
  }
  for (const leftover of observed.scratch ?? []) {
    actions.push({
      type: 'scratch', op: 'delete', system: policy.system, category: leftover.category, source: leftover.source,
      scratch_id: leftover.id, description: leftover.description,
      reason: `left by a restore test interrupted at ${leftover.created_at}`,
    });
  }
  problems.push(...planDamaged(policy, observed));
  const settings = planSourceSettings(policy, observed);
  actions.push(...settings.actions);
  problems.push(...settings.problems);
  for (const category of policy.categories) {
    const firstTier = category.copies[0]?.tier;
    const firstTierError = firstTier ? observed.tiers[firstTier]?.error : 'no tier';
    let backupPending = false;
    const newest = [];
    for (const data of category.data) {
      const unavailable = observed.unavailableSources[data.source];
      const entry = newestEntry(entriesFor(observed, category.name, data.source));
      if (entry) newest.push(entry);
      const backup = planBackup(policy, category, data.source, observed, input.now);
      if (backup && (unavailable || firstTierError)) {
        const notHere = unavailable ? observed.sourceHealth?.[data.source]?.secretMissing : firstTier && observed.tiers[firstTier]?.notChecked;
        problems.push({
          system: policy.system, category: category.name, source: data.source,
          message: `backup is due (${backup.reason}) but cannot run${notHere ? ' here' : ''}: ${unavailable ?? `tier ${firstTier}: ${firstTierError}`}`,
          ...(notHere ? { kind: 'not-here' as const, hint: 'set the secret where backups run (the backup host); a plan without it (PR CI) only reports this' } : {}),
        });
      } else if (backup) {
        actions.push(backup);
        backupPending = true;
      }
      const plan = planRetention(policy, category, data.source, observed, backup && !unavailable && !firstTierError ? input.now : undefined, input.now);
      actions.push(...plan.copies, ...plan.prunes);
      retention.push(...plan.reports);
    }
    const sourcesUsable = category.data.every((d) => !observed.unavailableSources[d.source]);
    if (sourcesUsable) {
      const verify = planVerify({
        policy, category, observed, newest, backupPending, identityAvailable: input.observed.identityAvailable, now: input.now,
      });
      actions.push(...verify.actions);
      problems.push(...verify.problems);
    }
  }
  actions.push(...planFiles(policy.system, 'schedule', desired?.schedules ?? [], observed.schedules));
  actions.push(...planFiles(policy.system, 'render', desired?.runbooks ?? [], observed.rendered));
  const health = planHealth(policy, observed);
  problems.push(...unreachableSourceProblems(health, problems));
  return { actions, problems, retention, health, notes: buckets.notes };
}

export function createPlan(input: PlanInput): Plan {
  const actions: Action[] = [];
  const problems: Problem[] = [];
  const retention: RetentionReport[] = [];
  const health: HealthCheck[] = [];
  const notes: string[] = [];
  const policies = [...input.policies].sort((a, b) => a.system.localeCompare(b.system));
  for (const policy of policies) {
    const observed = input.observed.systems[policy.system];
    if (!observed) {
      problems.push({ system: policy.system, message: 'no observed state for this system' });
      continue;
    }
    const part = planSystem(policy, observed, input.desired[policy.system], input);
    actions.push(...part.actions);
    problems.push(...part.problems);
    retention.push(...part.retention);
    health.push(...part.health);
    notes.push(...part.notes);
  }
  // Stable order: by phase, then by system; within a phase the per-system order above is kept.
  const ordered = actions
    .map((action, index) => ({ action, index }))
    .sort((a, b) => ORDER[a.action.type] - ORDER[b.action.type] || a.action.system.localeCompare(b.action.system) || a.index - b.index)
    .map(({ action }) => action);
  return {
    format_version: PLAN_FORMAT_VERSION,
    created_at: input.now.toISOString(),
    policy_digest: input.policyDigest,
    observed_digest: digestOf(input.observed),
    systems: policies.map((p) => p.system),
    actions: ordered,
    retention,
    problems,
    health,
    ...(notes.length ? { notes } : {}),
    summary: summarisePlan(ordered),
  };
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.length > 0;
}

/**
 * Anything in `problems` (an unreachable source or tier, a due job that cannot run …) needs a human; a job that
 * cannot run only because this environment lacks a secret or the identity (PR CI) does not fail the plan.
 */
export function hasProblems(plan: Plan): boolean {
  return plan.problems.some((p) => p.kind !== 'not-here');
}
