// Observe every system of the loaded policies. A system or tier that cannot be read becomes a problem
// in its own part of the plan; the others still plan.
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { DesiredFiles, Observed } from '../plan/observed-model.js';
import type { Storage } from '../storage/storage.js';
import { observeSystem } from './observe-system.js';

export interface WorldSnapshot {
  observed: Observed;
  desired: Record<string, DesiredFiles>;
}

export async function observeWorld(request: {
  policies: readonly ResolvedPolicy[];
  stateDir: string;
  storages: Map<string, Map<string, Storage | Error>>;
  templatesDir?: string;
  identityAvailable: boolean;
  resolveSecret?: (value: string) => string;
}): Promise<WorldSnapshot> {
  const observed: Observed = { systems: {}, identityAvailable: request.identityAvailable };
  const desired: Record<string, DesiredFiles> = {};
  for (const policy of request.policies) {
    const result = await observeSystem({
      policy,
      stateDir: request.stateDir,
      storages: request.storages.get(policy.system) ?? new Map(),
      templatesDir: request.templatesDir,
      resolveSecret: request.resolveSecret,
    });
    observed.systems[policy.system] = result.observed;
    desired[policy.system] = result.desired;
  }
  return { observed, desired };
}
