// Read the catalogue of every tier of the given policies (read-only), merging copies of one backup.
import type { CatalogEntry } from '../model/catalog.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { scanTier } from '../observe/scan-tier.js';
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
  tiers: string[];
  stats: Record<string, number>;
}

export interface CatalogRead {
  rows: CatalogRow[];
  entries: CatalogEntry[];
  storages: Map<string, Map<string, Storage | Error>>;
  errors: string[];
}

export async function readCatalog(policies: readonly ResolvedPolicy[], resolveSecret: (v: string) => string, category?: string): Promise<CatalogRead> {
  const entries: CatalogEntry[] = [];
  const errors: string[] = [];
  const storages = new Map<string, Map<string, Storage | Error>>();
  for (const policy of policies) {
    const opened = openStorages(policy, resolveSecret);
    storages.set(policy.system, opened);
    for (const [tier, storage] of opened) {
      if (storage instanceof Error) {
        errors.push(`${policy.system}/${tier}: ${storage.message}`);
        continue;
      }
      try {
        const prefix = category ? `${policy.system}/${category}/` : `${policy.system}/`;
        entries.push(...(await scanTier(storage, tier, prefix)).entries);
      } catch (error) {
        errors.push(`${policy.system}/${tier} (${storage.location}): ${(error as Error).message}`);
      }
    }
  }
  const rows = new Map<string, CatalogRow>();
  for (const { tier, manifest: m } of entries) {
    const key = `${m.system}/${m.category}/${m.source}/${m.id}`;
    const row = rows.get(key);
    if (row) row.tiers.push(tier);
    else {
      rows.set(key, {
        system: m.system, category: m.category, source: m.source, id: m.id, kind: m.kind, started_at: m.started_at,
        finished_at: m.finished_at, size: m.size, raw_size: m.raw_size, tiers: [tier], stats: m.stats,
      });
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) => a.system.localeCompare(b.system) || a.category.localeCompare(b.category) || a.source.localeCompare(b.source) || b.started_at.localeCompare(a.started_at),
  );
  for (const row of sorted) row.tiers.sort();
  return { rows: sorted, entries, storages, errors };
}
