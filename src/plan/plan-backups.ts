// Which backups are due: counted from the last *successful* backup (a manifest exists only for those),
// so a failed run never pushes the next due time forward (autorestic #343). Pre-restore snapshots and
// damaged copies are not backups that count: a snapshot of corrupted data must never satisfy a due backup.
import { lastFireAtOrBefore } from '../model/cron.js';
import { formatDuration } from '../model/duration.js';
import { isRegularBackup, type CatalogEntry } from '../model/catalog.js';
import type { ResolvedCategory, ResolvedPolicy } from '../model/policy-model.js';
import { trustedIn } from './catalog-view.js';
import type { ObservedSystem } from './observed-model.js';
import type { BackupAction } from './plan-model.js';

/** The good regular backups of a source in every tier (no pre-restore snapshots, no damaged copies). */
export function entriesFor(observed: ObservedSystem, category: string, source: string): CatalogEntry[] {
  return Object.keys(observed.tiers).flatMap((tier) => trustedIn(observed, tier, category, source).filter(isRegularBackup));
}

export function newestEntry(entries: readonly CatalogEntry[]): CatalogEntry | undefined {
  let newest: CatalogEntry | undefined;
  for (const entry of entries) {
    if (!newest || entry.manifest.started_at > newest.manifest.started_at) newest = entry;
  }
  return newest;
}

export function lastScheduledRun(category: ResolvedCategory, now: Date): Date | undefined {
  const { full, incremental, timezone } = category.schedule;
  const fires = [full, incremental]
    .filter((expr): expr is string => Boolean(expr))
    .map((expr) => lastFireAtOrBefore(expr, timezone, now))
    .filter((d): d is Date => d !== undefined);
  return fires.sort((a, b) => b.getTime() - a.getTime())[0];
}

export function planBackup(
  policy: ResolvedPolicy,
  category: ResolvedCategory,
  source: string,
  observed: ObservedSystem,
  now: Date,
): BackupAction | undefined {
  const newest = newestEntry(entriesFor(observed, category.name, source));
  const base = { type: 'backup', op: 'run', system: policy.system, category: category.name, source } as const;
  if (!newest) return { ...base, overdue: true, reason: 'no backup exists yet' };
  const lastGood = new Date(newest.manifest.started_at);
  const ageMs = now.getTime() - lastGood.getTime();
  const overdue = ageMs > category.rpoMs;
  const scheduled = lastScheduledRun(category, now);
  const since = `last good backup ${newest.manifest.id} is ${formatDuration(Math.max(0, ageMs))} old`;
  if (overdue) {
    return { ...base, overdue, reason: `overdue: ${since}, rpo is ${category.rpo}` };
  }
  if (scheduled && scheduled.getTime() > lastGood.getTime()) {
    return { ...base, overdue, reason: `scheduled run at ${scheduled.toISOString()} is due (${since})` };
  }
  return undefined;
}
