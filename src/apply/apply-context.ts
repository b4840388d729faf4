// Everything the applier needs: the resolved policies, their storages, the snapshot the plan was checked
// against, and the state dir. Built by the CLI.
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { DesiredFiles, ObservedSystem } from '../plan/observed-model.js';
import type { Storage } from '../storage/storage.js';

export interface SystemContext {
  policy: ResolvedPolicy;
  storages: Map<string, Storage>;
  observed: ObservedSystem;
  desired: DesiredFiles;
}

export interface ApplyContext {
  systems: Map<string, SystemContext>;
  stateDir: string;
  resolveSecret: (value: string) => string;
  identityFile?: string;
  templatesDir?: string;
  now: () => Date;
  /** Where plain progress lines go (stderr by default). */
  log: (line: string) => void;
}

export interface ActionProgress {
  (phase: string, bytes: number): void;
}

export function storageFor(system: SystemContext, tier: string): Storage {
  const storage = system.storages.get(tier);
  if (!storage) throw new Error(`tier ${tier} of system ${system.policy.system} has no usable storage`);
  return storage;
}

export function categoryOf(system: SystemContext, name: string) {
  const category = system.policy.categories.find((c) => c.name === name);
  if (!category) throw new Error(`category ${name} is not in the policy of ${system.policy.system}`);
  return category;
}
