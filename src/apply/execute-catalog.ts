// Catalogue actions: copy a backup to a tier, prune one, clean up debris of an interrupted run.
import { copyBackup } from '../backup/copy-backup.js';
import { deleteBackup } from '../backup/delete-backup.js';
import type { CatalogEntry } from '../model/catalog.js';
import { removeDebris } from '../observe/scan-tier.js';
import type { CleanupAction, CopyAction, PruneAction } from '../plan/plan-model.js';
import { storageFor, type SystemContext } from './apply-context.js';

function findEntry(system: SystemContext, tier: string, id: string, category: string, source: string): CatalogEntry {
  const entry = system.observed.tiers[tier]?.entries.find(
    (e) => e.manifest.id === id && e.manifest.category === category && e.manifest.source === source,
  );
  if (!entry) throw new Error(`backup ${id} of ${category}/${source} is no longer in tier ${tier}`);
  return entry;
}

export async function executeCopy(action: CopyAction, system: SystemContext): Promise<void> {
  const entry = findEntry(system, action.from_tier, action.backup_id, action.category, action.source);
  await copyBackup(entry, storageFor(system, action.from_tier), storageFor(system, action.to_tier), action.to_tier);
}

export async function executePrune(action: PruneAction, system: SystemContext): Promise<void> {
  const entry = findEntry(system, action.tier, action.backup_id, action.category, action.source);
  await deleteBackup(storageFor(system, action.tier), entry);
}

export async function executeCleanup(action: CleanupAction, system: SystemContext): Promise<void> {
  const debris = system.observed.tiers[action.tier]?.debris.find((d) => d.dir === action.dir);
  if (!debris) return;
  await removeDebris(storageFor(system, action.tier), debris);
}
