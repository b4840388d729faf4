// Shared start of every command: load and validate policies, resolve the state dir, open storages.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { formatDiagnostics } from '../policy/format-diagnostics.js';
import { loadPolicies, resolvePolicyInputs } from '../policy/load-policies.js';
import { createSecretResolver } from '../policy/secrets.js';
import { createStorage } from '../storage/create-storage.js';
import type { Storage } from '../storage/storage.js';
import { resolveStateDir } from '../state/state-dir.js';
import { CliError } from './exit-codes.js';
import type { CommonOptions } from './common-options.js';

export interface CliContext {
  policies: ResolvedPolicy[];
  files: string[];
  stateDir: string;
  templatesDir?: string;
  resolveSecret: (value: string) => string;
  policyDigest: string;
  warnings: string;
}

export async function loadContext(options: CommonOptions): Promise<CliContext> {
  const inputs = resolvePolicyInputs(options.policies);
  const set = await loadPolicies(inputs);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (set.files.length === 0) {
    throw new CliError(`no policy files found in ${inputs.join(', ')}`, 1, 'pass --policies PATH or set STRATA_POLICIES');
  }
  if (errors.length > 0) {
    const text = formatDiagnostics(set.diagnostics, 'text', { color: Boolean(process.stderr.isTTY) });
    throw new CliError(`the policies are not valid:\n${text}`, 1, 'run `strata validate` and fix the errors first');
  }
  const hash = createHash('sha256');
  for (const file of [...set.files].sort()) hash.update(file).update('\0').update(await readFile(file)).update('\0');
  const warnings = set.diagnostics.length ? formatDiagnostics(set.diagnostics, 'text', { color: false }) : '';
  return {
    policies: set.policies,
    files: set.files,
    stateDir: resolveStateDir(options.stateDir),
    templatesDir: options.templates,
    resolveSecret: createSecretResolver(process.env),
    policyDigest: hash.digest('hex'),
    warnings,
  };
}

/** Storages per tier; a tier that cannot be opened maps to its Error, so other tiers still work. */
export function openStorages(policy: ResolvedPolicy, resolveSecret: (v: string) => string): Map<string, Storage | Error> {
  const out = new Map<string, Storage | Error>();
  for (const tier of Object.values(policy.tiers)) {
    try {
      out.set(tier.name, createStorage(tier, resolveSecret));
    } catch (error) {
      out.set(tier.name, error as Error);
    }
  }
  return out;
}

export function usableStorages(storages: Map<string, Storage | Error>): Map<string, Storage> {
  const out = new Map<string, Storage>();
  for (const [tier, storage] of storages) if (!(storage instanceof Error)) out.set(tier, storage);
  return out;
}

/** Select policies by system name, or a category given as CATEGORY or SYSTEM/CATEGORY. */
export function findCategory(policies: readonly ResolvedPolicy[], spec: string, system?: string) {
  const [sys, cat] = spec.includes('/') ? (spec.split('/', 2) as [string, string]) : [system, spec];
  const matches = policies.flatMap((policy) =>
    policy.categories.filter((c) => c.name === cat && (!sys || policy.system === sys)).map((category) => ({ policy, category })),
  );
  if (matches.length === 0) {
    const known = policies.flatMap((p) => p.categories.map((c) => `${p.system}/${c.name}`)).join(', ');
    throw new CliError(`no category ${spec} in the loaded policies`, 1, `known categories: ${known || '(none)'}`);
  }
  if (matches.length > 1) {
    throw new CliError(
      `category ${spec} exists in several systems: ${matches.map((m) => m.policy.system).join(', ')}`,
      1,
      `name it as SYSTEM/${cat} or pass --system`,
    );
  }
  return matches[0]!;
}
