// The planner's view of a system's catalogue: which copies are damaged (seen by the scan, or by a checksum
// verification recorded in the evidence) and which can be trusted. Pure.
import type { CatalogEntry, DamagedBackup } from '../model/catalog.js';
import { checksumDamaged, trustedEntries } from '../model/damage.js';
import type { ObservedSystem } from './observed-model.js';

/** Every damaged copy of the system (or of one category), tier by tier. */
export function damagedIn(observed: ObservedSystem, category?: string): DamagedBackup[] {
  const out: DamagedBackup[] = [];
  for (const name of Object.keys(observed.tiers).sort()) {
    const tier = observed.tiers[name]!;
    const mine = (d: { category: string }) => category === undefined || d.category === category;
    out.push(...(tier.damaged ?? []).filter(mine));
    // Asked per category by the planner: a direct lookup, not a walk over every category's evidence.
    const evidence = category === undefined ? Object.entries(observed.evidence) : observed.evidence[category] ? [[category, observed.evidence[category]] as const] : [];
    for (const [cat, record] of evidence) {
      const copies = record.damaged_copies?.filter((d) => d.tier === name);
      if (!copies?.length) continue;
      out.push(...checksumDamaged(tier.entries.filter((e) => e.manifest.category === cat), copies));
    }
  }
  return out;
}

/** The copies in one tier of one category/source that no verification has found damaged (any kind). */
export function trustedIn(observed: ObservedSystem, tier: string, category: string, source: string): CatalogEntry[] {
  const entries = (observed.tiers[tier]?.entries ?? []).filter((e) => e.manifest.category === category && e.manifest.source === source);
  const damaged = checksumDamaged(entries, observed.evidence[category]?.damaged_copies?.filter((d) => d.tier === tier));
  return trustedEntries(entries, damaged);
}
