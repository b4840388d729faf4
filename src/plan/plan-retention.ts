// Prunes and missing copies per tier. Each tier's keep rule selects from every backup of the source
// (in any tier, plus the one this plan is about to take), grouped by category + source + tier:
// kept-but-absent means copy, present-but-dropped means prune. Only good regular backups take part: a damaged
// copy is not present (so a kept backup is copied over it from a good tier), and pre-restore snapshots have
// their own rule (select-pre-restore) and are never copied.
import { selectPreRestore } from '../retention/select-pre-restore.js';
import { selectRetention } from '../retention/select-retention.js';
import { isPreRestoreSnapshot, isRegularBackup, type CatalogEntry } from '../model/catalog.js';
import type { CategoryEvidence } from '../model/evidence.js';
import { copyPeriodMs, isCopyDue } from '../model/copy-cadence.js';
import { preRestoreKeepMs, type ResolvedCategory, type ResolvedCopy, type ResolvedPolicy } from '../model/policy-model.js';
import { damagedIn, trustedIn } from './catalog-view.js';
import type { ObservedSystem } from './observed-model.js';
import type { CopyAction, PruneAction, RetentionReport } from './plan-model.js';

export const PENDING_ID = '(new backup)';

interface Candidate {
  id: string;
  time: Date;
}

export interface RetentionPlan {
  prunes: PruneAction[];
  copies: CopyAction[];
  reports: RetentionReport[];
}

function newestVerified(entries: readonly CatalogEntry[], evidence: CategoryEvidence | undefined): string | undefined {
  const verified = new Set(evidence?.verified_backup_ids ?? []);
  return entries
    .filter((e) => verified.has(e.manifest.id))
    .sort((a, b) => b.manifest.started_at.localeCompare(a.manifest.started_at))[0]?.manifest.id;
}

function lockedUntil(entries: readonly CatalogEntry[] | undefined, id: string, now: Date): string | undefined {
  const until = entries?.find((e) => e.manifest.id === id)?.locked_until;
  return until && until > now.toISOString() ? until : undefined;
}

/**
 * What a tier's keep rule chooses from. A tier with `every` holds only what it was given, plus the newest
 * backup when its period has passed: choosing from every backup would copy each new one (the newest of its
 * day, month …) and prune the one before, which is exactly the churn `every` exists to avoid.
 */
function candidatesFor(copy: ResolvedCopy, candidates: readonly Candidate[], present: ReadonlySet<string>): Candidate[] {
  const period = copyPeriodMs(copy.every);
  if (period === undefined) return [...candidates];
  const held = candidates.filter((c) => present.has(c.id));
  const newestHeld = held.reduce<Date | undefined>((newest, c) => (newest === undefined || c.time > newest ? c.time : newest), undefined);
  const newest = candidates.reduce<Candidate | undefined>((best, c) => (best === undefined || c.time > best.time ? c : best), undefined);
  const due = newest !== undefined && !present.has(newest.id) && isCopyDue(period, newestHeld, newest.time);
  return due ? [...held, newest] : held;
}

/** Pre-restore snapshots: kept for the category's window, and the newest restore's always; never copied. */
function planSnapshotRetention(
  policy: ResolvedPolicy,
  category: ResolvedCategory,
  source: string,
  observed: ObservedSystem,
  byTier: ReadonlyMap<string, CatalogEntry[]>,
  now: Date,
  result: RetentionPlan,
): Map<string, RetentionReport['kept']> {
  const keptByTier = new Map<string, RetentionReport['kept']>();
  const union = new Map<string, CatalogEntry>();
  for (const entries of byTier.values()) for (const e of entries) if (!union.has(e.manifest.id)) union.set(e.manifest.id, e);
  if (union.size === 0) return keptByTier;
  const decisions = selectPreRestore(
    [...union.values()].map((e) => ({
      id: e.manifest.id,
      time: new Date(e.manifest.taken_for?.at ?? e.manifest.started_at),
      ...(e.manifest.taken_for ? { restoreOf: e.manifest.taken_for.restore_of } : {}),
    })),
    preRestoreKeepMs(category),
    now,
  );
  for (const [tier, entries] of byTier) {
    if (entries.length === 0 || observed.tiers[tier]?.error) continue;
    const present = new Set(entries.map((e) => e.manifest.id));
    const kept: RetentionReport['kept'] = [];
    keptByTier.set(tier, kept);
    for (const decision of decisions.filter((d) => present.has(d.id))) {
      const started = union.get(decision.id)!.manifest.started_at;
      const until = lockedUntil(entries, decision.id, now);
      if (decision.keep || until) {
        const reasons = decision.keep ? decision.reasons : [`object lock until ${until} (${decision.reasons.join('; ')})`];
        kept.push({ backup_id: decision.id, started_at: started, reasons });
      } else {
        result.prunes.push({
          type: 'prune', op: 'delete', system: policy.system, category: category.name, source,
          tier, backup_id: decision.id, started_at: started, reason: decision.reasons.join('; '),
        });
      }
    }
  }
  return keptByTier;
}

/** Adds the kept snapshots to each tier's report (made when the tier has no regular backup to report). */
function addSnapshotReports(policy: ResolvedPolicy, category: ResolvedCategory, source: string, kept: Map<string, RetentionReport['kept']>, result: RetentionPlan): void {
  for (const [tier, snapshots] of kept) {
    if (snapshots.length === 0) continue;
    let report = result.reports.find((r) => r.tier === tier);
    if (!report) {
      report = { system: policy.system, category: category.name, source, tier, kept: [] };
      result.reports.push(report);
    }
    report.kept.push(...snapshots);
  }
}

export function planRetention(
  policy: ResolvedPolicy,
  category: ResolvedCategory,
  source: string,
  observed: ObservedSystem,
  pendingAt: Date | undefined,
  now: Date = pendingAt ?? new Date(0),
): RetentionPlan {
  const result: RetentionPlan = { prunes: [], copies: [], reports: [] };
  const byTier = new Map<string, CatalogEntry[]>();
  const union = new Map<string, CatalogEntry>();
  const snapshots = new Map<string, CatalogEntry[]>();
  for (const copy of category.copies) {
    const trusted = trustedIn(observed, copy.tier, category.name, source);
    const entries = trusted.filter(isRegularBackup);
    byTier.set(copy.tier, entries);
    snapshots.set(copy.tier, trusted.filter(isPreRestoreSnapshot));
    for (const entry of entries) if (!union.has(entry.manifest.id)) union.set(entry.manifest.id, entry);
  }
  const keptSnapshots = planSnapshotRetention(policy, category, source, observed, snapshots, now, result);
  const damagedHere = new Set(damagedIn(observed, category.name).filter((d) => d.source === source).map((d) => `${d.tier}\0${d.id}`));
  const candidates = [...union.values()].map((e) => ({ id: e.manifest.id, time: new Date(e.manifest.started_at) }));
  if (pendingAt) candidates.push({ id: PENDING_ID, time: pendingAt });
  if (candidates.length === 0) {
    addSnapshotReports(policy, category, source, keptSnapshots, result);
    return result;
  }

  const verifiedId = newestVerified([...union.values()], observed.evidence[category.name]);
  const protect = verifiedId ? [{ id: verifiedId, reason: 'protected: newest verified backup' }] : [];

  for (const copy of category.copies) {
    if (observed.tiers[copy.tier]?.error) continue;
    const present = new Set((byTier.get(copy.tier) ?? []).map((e) => e.manifest.id));
    const decisions = selectRetention(candidatesFor(copy, candidates, present), copy.keep, { protect });
    const report: RetentionReport = { system: policy.system, category: category.name, source, tier: copy.tier, kept: [] };
    for (const decision of decisions) {
      const entry = union.get(decision.id);
      const reason = decision.reasons.join('; ');
      if (decision.keep) {
        if (decision.id === PENDING_ID || present.has(decision.id)) {
          report.kept.push({
            backup_id: decision.id,
            started_at: decision.time.toISOString(),
            reasons: decision.reasons,
            ...(decision.id === PENDING_ID ? { pending: true } : {}),
          });
        } else if (entry) {
          result.copies.push({
            type: 'copy', op: 'create', system: policy.system, category: category.name, source,
            backup_id: decision.id, from_tier: entry.tier, to_tier: copy.tier,
            reason: damagedHere.has(`${copy.tier}\0${decision.id}`)
              ? `the copy in tier ${copy.tier} is damaged; replace it from tier ${entry.tier} (${reason})`
              : `missing in tier ${copy.tier}, which keeps it (${reason})`,
          });
          report.kept.push({ backup_id: decision.id, started_at: decision.time.toISOString(), reasons: decision.reasons, pending: true });
        }
      } else if (present.has(decision.id) && lockedUntil(byTier.get(copy.tier), decision.id, now)) {
        // Object lock: a delete would be refused. Keep it, say why, and prune once the lock has passed.
        const until = lockedUntil(byTier.get(copy.tier), decision.id, now) as string;
        report.kept.push({ backup_id: decision.id, started_at: decision.time.toISOString(), reasons: [`object lock until ${until} (${reason})`] });
      } else if (present.has(decision.id)) {
        result.prunes.push({
          type: 'prune', op: 'delete', system: policy.system, category: category.name, source,
          tier: copy.tier, backup_id: decision.id, started_at: decision.time.toISOString(), reason,
        });
      }
    }
    result.reports.push(report);
  }
  addSnapshotReports(policy, category, source, keptSnapshots, result);
  return result;
}
