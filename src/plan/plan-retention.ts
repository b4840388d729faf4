// Prunes and missing copies per tier. Each tier's keep rule selects from every backup of the source
// (in any tier, plus the one this plan is about to take), grouped by category + source + tier:
// kept-but-absent means copy, present-but-dropped means prune.
import { selectRetention } from '../retention/select-retention.js';
import type { CatalogEntry } from '../model/catalog.js';
import type { CategoryEvidence } from '../model/evidence.js';
import { copyPeriodMs, isCopyDue } from '../model/copy-cadence.js';
import type { ResolvedCategory, ResolvedCopy, ResolvedPolicy } from '../model/policy-model.js';
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
  for (const copy of category.copies) {
    const entries = (observed.tiers[copy.tier]?.entries ?? []).filter(
      (e) => e.manifest.category === category.name && e.manifest.source === source,
    );
    byTier.set(copy.tier, entries);
    for (const entry of entries) if (!union.has(entry.manifest.id)) union.set(entry.manifest.id, entry);
  }
  const candidates = [...union.values()].map((e) => ({ id: e.manifest.id, time: new Date(e.manifest.started_at) }));
  if (pendingAt) candidates.push({ id: PENDING_ID, time: pendingAt });
  if (candidates.length === 0) return result;

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
            reason: `missing in tier ${copy.tier}, which keeps it (${reason})`,
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
  return result;
}
