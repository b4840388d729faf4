// Paths as runbooks show them. Rendered from a checkout, a policy with relative paths resolves to absolute
// paths of that checkout, so committed runbooks would differ between machines and `render --check` would
// fail in CI. With a display base (e.g. the repository root), paths under it are shown relative to it.
import { isAbsolute, relative } from 'node:path';
import type { Source } from '../generated/policy.js';
import type { ResolvedPolicy, ResolvedTier } from '../model/policy-model.js';

function relativeTo(base: string, path: string, changed: { any: boolean }): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(base, path);
  if (rel === '') {
    changed.any = true;
    return '.';
  }
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  changed.any = true;
  return rel;
}

/** A copy of the policy whose display paths (policy path, local tiers, files sources) are relative to base. */
export function policyForDisplay(policy: ResolvedPolicy, base: string | undefined): { policy: ResolvedPolicy; relative: boolean } {
  if (base === undefined) return { policy, relative: false };
  const changed = { any: false };
  const tiers: Record<string, ResolvedTier> = {};
  for (const [name, tier] of Object.entries(policy.tiers)) {
    tiers[name] =
      tier.storage.type === 'local' ? { ...tier, storage: { ...tier.storage, path: relativeTo(base, tier.storage.path, changed) } } : tier;
  }
  const sources: Record<string, Source> = {};
  for (const [name, source] of Object.entries(policy.sources)) {
    sources[name] =
      source.type === 'files'
        ? { ...source, paths: source.paths.map((p) => relativeTo(base, p, changed)) as [string, ...string[]] }
        : source;
  }
  const scheduler = { ...policy.scheduler, policyPath: relativeTo(base, policy.scheduler.policyPath, changed) };
  return { policy: { ...policy, tiers, sources, scheduler }, relative: changed.any };
}
