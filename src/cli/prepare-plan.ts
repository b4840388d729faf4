// The part plan, apply and run share: open storages, observe, plan.
import { existsSync } from 'node:fs';
import { observeWorld, type WorldSnapshot } from '../observe/observe-world.js';
import { createPlan } from '../plan/create-plan.js';
import type { Plan } from '../plan/plan-model.js';
import type { Storage } from '../storage/storage.js';
import type { CliContext } from './load-context.js';
import { openStorages } from './load-context.js';

export interface PreparedPlan {
  plan: Plan;
  world: WorldSnapshot;
  storages: Map<string, Map<string, Storage | Error>>;
}

export async function preparePlan(ctx: CliContext, identityFile: string | undefined, now: Date): Promise<PreparedPlan> {
  const storages = new Map(ctx.policies.map((p) => [p.system, openStorages(p, ctx.resolveSecret)] as const));
  const world = await observeWorld({
    policies: ctx.policies,
    stateDir: ctx.stateDir,
    storages,
    templatesDir: ctx.templatesDir,
    identityAvailable: Boolean(identityFile && existsSync(identityFile)),
    resolveSecret: ctx.resolveSecret,
  });
  const plan = createPlan({ policies: ctx.policies, observed: world.observed, desired: world.desired, now, policyDigest: ctx.policyDigest });
  return { plan, world, storages };
}
