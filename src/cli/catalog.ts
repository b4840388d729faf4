// Read the catalogue of every tier of the given policies (read-only), merging copies of one backup. Regular
// backups, pre-restore snapshots and damaged copies are kept apart: a snapshot or a damaged copy must never
// be mistaken for the newest good backup. With a state dir, copies whose last checksum failed are damaged too.
import { isPreRestoreSnapshot, type CatalogEntry, type DamagedBackup } from '../model/catalog.js';
import { checksumDamaged, trustedEntries } from '../model/damage.js';
import type { TakenFor } from '../model/manifest.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { scanTier } from '../observe/scan-tier.js';
import { readEvidence } from '../state/evidence-store.js';
import { openStorages } from './load-context.js';
import type { Storage } from '../storage/storage.js';

export interface CatalogRow {
  system: string;
  category: string;
  source: string;
  id: string;
  kind: string;
  started_at: string;
  finished_at: string;
  size: number;
  raw_size: number;
  /** Tiers with a good copy. */
  tiers: string[];
  stats: Record<string, number>;
  /** Pre-restore snapshots: the restore they were taken for. */
  taken_for?: TakenFor;
}

export interface DamagedRow {
  system: string;
  category: string;
  source: string;
  id: string;
  kind?: string;
  started_at?: string;
  tier: string;
  /** Where the copy lives: the tier's location and the backup directory. */
  location: string;
  problem: string;
  found_by: DamagedBackup['found_by'];
  at?: string;
}

export interface CatalogRead {
  /** Good regular backups, newest first per source. */
  rows: CatalogRow[];
  /** Good pre-restore snapshots, apart from the backups. */
  snapshots: CatalogRow[];
  /** Copies that cannot be trusted. */
  damaged: DamagedRow[];
  /** Every copy whose manifest and listing agree (including snapshots and copies whose checksum failed). */
  entries: CatalogEntry[];
  damagedBackups: DamagedBackup[];
  storages: Map<string, Map<string, Storage | Error>>;
  errors: string[];
  /** Tiers (as SYSTEM/TIER) that could not be opened or listed, with the reason. */
  unreadable: Map<string, string>;
}

function toRows(entries: readonly CatalogEntry[]): CatalogRow[] {
  const rows = new Map<string, CatalogRow>();
  for (const { tier, manifest: m } of entries) {
    const key = `${m.system}/${m.category}/${m.source}/${m.id}`;
    const row = rows.get(key);
    if (row) row.tiers.push(tier);
    else {
      rows.set(key, {
        system: m.system, category: m.category, source: m.source, id: m.id, kind: m.kind, started_at: m.started_at,
        finished_at: m.finished_at, size: m.size, raw_size: m.raw_size, tiers: [tier], stats: m.stats,
        ...(m.taken_for ? { taken_for: m.taken_for } : {}),
      });
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) => a.system.localeCompare(b.system) || a.category.localeCompare(b.category) || a.source.localeCompare(b.source) || b.started_at.localeCompare(a.started_at),
  );
  for (const row of sorted) row.tiers.sort();
  return sorted;
}

export async function readCatalog(
  policies: readonly ResolvedPolicy[],
  resolveSecret: (v: string) => string,
  category?: string,
  stateDir?: string,
): Promise<CatalogRead> {
  const entries: CatalogEntry[] = [];
  const damaged: DamagedBackup[] = [];
  const locations = new Map<string, string>();
  const errors: string[] = [];
  const unreadable = new Map<string, string>();
  const storages = new Map<string, Map<string, Storage | Error>>();
  for (const policy of policies) {
    const opened = openStorages(policy, resolveSecret);
    storages.set(policy.system, opened);
    for (const [tier, storage] of opened) {
      if (storage instanceof Error) {
        errors.push(`${policy.system}/${tier}: ${storage.message}`);
        unreadable.set(`${policy.system}/${tier}`, storage.message);
        continue;
      }
      locations.set(`${policy.system}/${tier}`, storage.location);
      try {
        const prefix = category ? `${policy.system}/${category}/` : `${policy.system}/`;
        const scan = await scanTier(storage, tier, prefix);
        entries.push(...scan.entries);
        damaged.push(...scan.damaged);
      } catch (error) {
        errors.push(`${policy.system}/${tier} (${storage.location}): ${(error as Error).message}`);
        unreadable.set(`${policy.system}/${tier}`, `${storage.location}: ${(error as Error).message}`);
      }
    }
    if (!stateDir) continue;
    for (const c of policy.categories.filter((c) => !category || c.name === category)) {
      const evidence = await readEvidence(stateDir, policy.system, c.name);
      const mine = entries.filter((e) => e.manifest.system === policy.system && e.manifest.category === c.name);
      damaged.push(...checksumDamaged(mine, evidence.damaged_copies));
    }
  }
  const trusted = trustedEntries(entries, damaged);
  const damagedRows: DamagedRow[] = damaged.map((d) => ({
    system: d.system, category: d.category, source: d.source, id: d.id,
    ...(d.manifest ? { kind: d.manifest.kind, started_at: d.manifest.started_at } : {}),
    tier: d.tier, location: `${locations.get(`${d.system}/${d.tier}`) ?? d.tier}/${d.dir}`, problem: d.problem, found_by: d.found_by,
    ...(d.at ? { at: d.at } : {}),
  }));
  damagedRows.sort((a, b) => a.system.localeCompare(b.system) || a.category.localeCompare(b.category) || b.id.localeCompare(a.id) || a.tier.localeCompare(b.tier));
  return {
    rows: toRows(trusted.filter((e) => !isPreRestoreSnapshot(e))),
    snapshots: toRows(trusted.filter(isPreRestoreSnapshot)),
    damaged: damagedRows,
    entries,
    damagedBackups: damaged,
    storages,
    errors,
    unreadable,
  };
}
