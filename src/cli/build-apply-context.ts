// Turn a prepared plan (policies + observed snapshot + storages) into what the applier needs.
import type { ApplyContext, SystemContext } from '../apply/apply-context.js';
import type { CliContext } from './load-context.js';
import { usableStorages } from './load-context.js';
import type { PreparedPlan } from './prepare-plan.js';

export function buildApplyContext(ctx: CliContext, prepared: PreparedPlan, identityFile: string | undefined, log: (line: string) => void): ApplyContext {
  const systems = new Map<string, SystemContext>();
  for (const policy of ctx.policies) {
    const observed = prepared.world.observed.systems[policy.system];
    const desired = prepared.world.desired[policy.system];
    if (!observed || !desired) continue;
    systems.set(policy.system, {
      policy,
      observed,
      desired,
      storages: usableStorages(prepared.storages.get(policy.system) ?? new Map()),
    });
  }
  return {
    systems,
    stateDir: ctx.stateDir,
    resolveSecret: ctx.resolveSecret,
    identityFile,
    templatesDir: ctx.templatesDir,
    now: () => new Date(),
    log,
  };
}
