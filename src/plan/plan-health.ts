// The health section of a plan: did every source and every tier answer when the plan looked? Pure: built
// from what observe saw. An unreachable source is a problem even when nothing is due, so a dead server is
// reported the day it dies, not at its next scheduled backup.
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { ObservedHealth, ObservedSystem, ObservedTier } from './observed-model.js';
import type { HealthCheck, Problem } from './plan-model.js';

function sourceHealth(observed: ObservedSystem, name: string): ObservedHealth {
  const seen = observed.sourceHealth?.[name];
  if (seen) return seen;
  // Observed states without probe results (older saved states, hand-built ones) still say what they know.
  const unavailable = observed.unavailableSources[name];
  return unavailable ? { status: 'unreachable', detail: unavailable } : { status: 'not-checked', detail: 'no probe result was recorded' };
}

function tierHealth(tier: ObservedTier | undefined): Pick<HealthCheck, 'status' | 'location' | 'detail'> {
  if (!tier) return { status: 'not-checked', detail: 'not observed' };
  const location = tier.location === '(unavailable)' ? {} : { location: tier.location };
  if (tier.error) return { status: tier.notChecked ? 'not-checked' : 'unreachable', ...location, detail: tier.error };
  const count = tier.entries.length;
  return { status: 'reachable', ...location, detail: tier.detail ?? `listed: ${count} backup${count === 1 ? '' : 's'}` };
}

export function planHealth(policy: ResolvedPolicy, observed: ObservedSystem): HealthCheck[] {
  const checks: HealthCheck[] = [];
  for (const [name, source] of Object.entries(policy.sources).sort(([a], [b]) => a.localeCompare(b))) {
    const health = sourceHealth(observed, name);
    checks.push({ system: policy.system, kind: 'source', name, type: source.type, status: health.status, ...(health.detail ? { detail: health.detail } : {}) });
  }
  for (const [name, tier] of Object.entries(policy.tiers).sort(([a], [b]) => a.localeCompare(b))) {
    checks.push({ system: policy.system, kind: 'tier', name, type: tier.storage.type, ...tierHealth(observed.tiers[name]) });
  }
  return checks;
}

/**
 * A problem for every unreachable source that no other problem names yet (a due backup that cannot run, or
 * settings that cannot be read, already say why). Unreachable tiers always have their own problem.
 */
export function unreachableSourceProblems(health: readonly HealthCheck[], problems: readonly Problem[]): Problem[] {
  return health
    .filter((h) => h.kind === 'source' && h.status === 'unreachable')
    .filter((h) => !problems.some((p) => p.system === h.system && p.source === h.name))
    .map((h) => ({
      system: h.system,
      source: h.name,
      message: `source ${h.name} (${h.type}) is unreachable: ${h.detail ?? 'no answer'}; its next backup will fail`,
      hint: 'bring the source back, or fix its address or credentials in the policy or in the environment it reads them from',
    }));
}
