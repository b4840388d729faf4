// Catalogue actions: copy a backup to a tier (over a damaged copy, too), prune one, clean up debris of an
// interrupted run. Damaged copies are never debris: nothing here removes them.
import { copyBackup } from '../backup/copy-backup.js';
import { deleteBackup } from '../backup/delete-backup.js';
import type { CatalogEntry } from '../model/catalog.js';
import { removeDebris } from '../observe/scan-tier.js';
import type { CleanupAction, CopyAction, PruneAction } from '../plan/plan-model.js';
import { recordCopyChecks } from '../state/evidence-store.js';
import { storageFor, type ApplyContext, type SystemContext } from './apply-context.js';

function findEntry(system: SystemContext, tier: string, id: string, category: string, source: string): CatalogEntry {
  const entry = system.observed.tiers[tier]?.entries.find(
    (e) => e.manifest.id === id && e.manifest.category === category && e.manifest.source === source,
  );
  if (!entry) throw new Error(`backup ${id} of ${category}/${source} is no longer in tier ${tier}`);
  return entry;
}

export async function executeCopy(action: CopyAction, system: SystemContext, ctx: Pick<ApplyContext, 'stateDir' | 'now'>): Promise<void> {
  const entry = findEntry(system, action.from_tier, action.backup_id, action.category, action.source);
  await copyBackup(entry, storageFor(system, action.from_tier), storageFor(system, action.to_tier), action.to_tier);
  // The copy streamed through a sha256 check against the manifest: a copy that was damaged is good again.
  const check = { tier: action.to_tier, backup_id: action.backup_id, source: action.source, ok: true };
  await recordCopyChecks(ctx.stateDir, system.policy.system, action.category, [check], ctx.now().toISOString());
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
