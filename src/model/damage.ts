// Which copies can be trusted. A tier scan finds the damage a listing shows (a missing or short artifact, an
// unreadable manifest); a checksum verification finds the rest (bytes that do not match the manifest) and
// leaves it in the evidence. Both are damaged copies: reported, never counted as good. Pure.
import type { CatalogEntry, DamagedBackup } from './catalog.js';
import type { DamagedCopyRecord } from './evidence.js';

const copyKey = (tier: string, id: string): string => `${tier}\0${id}`;

/** Copies the evidence says failed their last checksum and that are still in the catalogue, as damaged backups. */
export function checksumDamaged(entries: readonly CatalogEntry[], records: readonly DamagedCopyRecord[] | undefined): DamagedBackup[] {
  if (!records?.length) return [];
  const byKey = new Map(entries.map((e) => [copyKey(e.tier, e.manifest.id), e]));
  const out: DamagedBackup[] = [];
  for (const record of records) {
    const entry = byKey.get(copyKey(record.tier, record.backup_id));
    if (!entry) continue; // pruned, deleted or replaced since: nothing left to report
    const m = entry.manifest;
    out.push({
      tier: entry.tier, dir: entry.dir, id: m.id, system: m.system, category: m.category, source: m.source, manifest: m,
      problem: record.problem, found_by: 'checksum', at: record.at, keys: [], bytes: m.size,
    });
  }
  return out;
}

/** The entries that are not damaged copies. */
export function trustedEntries<T extends CatalogEntry>(entries: readonly T[], damaged: readonly DamagedBackup[]): T[] {
  if (damaged.length === 0) return [...entries];
  const bad = new Set(damaged.map((d) => copyKey(d.tier, d.id)));
  return entries.filter((e) => !bad.has(copyKey(e.tier, e.manifest.id)));
}

/** One line per damaged copy, for humans: id, tier, what is wrong. */
export function describeDamage(d: DamagedBackup): string {
  const how = d.found_by === 'checksum' ? ` (checksum verification at ${d.at ?? '?'})` : '';
  return `backup ${d.id} of ${d.category}/${d.source} on tier ${d.tier} is damaged: ${d.problem}${how}`;
}
