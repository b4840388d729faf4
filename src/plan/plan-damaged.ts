// Damaged backups are problems of the plan: loud, with the copy's id, tier and what is wrong, and what to do.
// They block nothing (backups, copies and prunes of good copies go on); a damaged copy is never cleaned up.
import { isRegularBackup } from '../model/catalog.js';
import { describeDamage } from '../model/damage.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { damagedIn } from './catalog-view.js';
import type { ObservedSystem } from './observed-model.js';
import type { Problem } from './plan-model.js';

export function planDamaged(policy: ResolvedPolicy, observed: ObservedSystem): Problem[] {
  const damaged = damagedIn(observed);
  const bad = new Set(damaged.map((d) => `${d.tier}\0${d.id}`));
  return damaged.map((d) => {
    const good = Object.entries(observed.tiers)
      .filter(([tier, state]) => !bad.has(`${tier}\0${d.id}`) && state.entries.some((e) => e.manifest.id === d.id && e.manifest.source === d.source))
      .map(([tier]) => tier);
    const location = `${observed.tiers[d.tier]?.location ?? d.tier}/${d.dir}`;
    const regular = !d.manifest || isRegularBackup({ manifest: d.manifest });
    const hint = good.length > 0
      ? `a good copy is in tier ${good.join(', ')}: restore uses it${regular ? ', and apply copies it over the damaged one while retention keeps the backup' : ''}`
      : `no good copy exists in any tier; inspect ${location} (the artifact may still open with age/zstd/tar) and delete it by hand once it is of no use`;
    return { system: policy.system, category: d.category, source: d.source, tier: d.tier, kind: 'damaged-backup' as const, message: describeDamage(d), hint };
  });
}
