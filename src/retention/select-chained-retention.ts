// Retention over chains: an incremental backup restores only on top of its parent (the previous link), up to
// a full. The GFS rules choose restore points as they do for full-only sources; then every chosen point keeps
// its whole chain, so a full is never pruned while a kept incremental needs it, and no kept incremental is left
// without a link. Pure: no clock, no I/O.
//
// A chain that is already broken (a link missing from every tier) is not a restore point: it is reported, and
// its links are kept rather than pruned, because a link that is only unreadable today (a tier down) would come
// back to find its descendants deleted. Deleting a broken chain is a human decision.
import type { Keep } from '../generated/policy.js';
import { selectRetention, type RetentionBackup, type RetentionDecision, type RetentionOptions } from './select-retention.js';

export interface ChainedBackup extends RetentionBackup {
  /** The backup this incremental applies on top of; absent for a full. */
  parent?: string;
  /** The full at the start of this incremental's chain (recorded in its manifest), so links below a gap are known. */
  root?: string;
}

export interface BrokenChain {
  /** The backup that cannot be restored. */
  id: string;
  /** The link of its chain that no tier holds (or the backup where the chain loops back on itself). */
  missing: string;
}

export interface ChainedRetention {
  /** One decision per backup, newest first, as selectRetention returns them. */
  decisions: RetentionDecision[];
  broken: BrokenChain[];
}

/** The missing link of `backup`'s chain, or undefined when every link down to a full is present. */
function missingLink(backup: ChainedBackup, byId: ReadonlyMap<string, ChainedBackup>): string | undefined {
  const seen = new Set<string>();
  let current = backup;
  while (current.parent !== undefined) {
    if (seen.has(current.id)) return current.id;
    seen.add(current.id);
    const parent = byId.get(current.parent);
    if (!parent) return current.parent;
    current = parent;
  }
  return undefined;
}

/** The links below `id`, nearest first (the chain must be whole: see missingLink). */
function ancestorsOf(id: string, byId: ReadonlyMap<string, ChainedBackup>): string[] {
  const out: string[] = [];
  let parent = byId.get(id)?.parent;
  while (parent !== undefined && !out.includes(parent)) {
    out.push(parent);
    parent = byId.get(parent)?.parent;
  }
  return out;
}

export function selectChainedRetention(backups: readonly ChainedBackup[], keep: Keep, opts: RetentionOptions = {}): ChainedRetention {
  const byId = new Map(backups.map((b) => [b.id, b]));
  const broken: BrokenChain[] = [];
  const restorable: ChainedBackup[] = [];
  for (const backup of backups) {
    const missing = missingLink(backup, byId);
    if (missing === undefined) restorable.push(backup);
    else broken.push({ id: backup.id, missing });
  }
  const chosen = selectRetention(restorable, keep, opts);
  const kept = new Set(chosen.filter((d) => d.keep).map((d) => d.id));
  // Newest first: the reason a link gets names the newest restore point that needs it.
  const neededBy = new Map<string, string>();
  for (const decision of chosen) {
    if (!decision.keep) continue;
    for (const link of ancestorsOf(decision.id, byId)) {
      if (!kept.has(link) && !neededBy.has(link)) neededBy.set(link, decision.id);
    }
  }
  const brokenIds = new Map(broken.map((b) => [b.id, b.missing]));
  // The present links below a broken chain stay too, so the chain is whole again if its missing link returns.
  const belowBroken = new Map<string, string>();
  for (const { id } of broken) {
    const backup = byId.get(id)!;
    // Below the gap the parents are unknown (the missing link named them); the chain's root names its members.
    const sameChain = backup.root === undefined ? [] : backups.filter((b) => (b.id === backup.root || b.root === backup.root) && b.time < backup.time).map((b) => b.id);
    for (const link of [...ancestorsOf(id, byId), ...sameChain]) if (byId.has(link) && !brokenIds.has(link) && !belowBroken.has(link)) belowBroken.set(link, id);
  }
  const decisions: RetentionDecision[] = [
    ...chosen.map((d) => {
      const dependant = neededBy.get(d.id);
      if (dependant !== undefined) return { ...d, keep: true, reasons: [`chain: needed to restore ${dependant}`] };
      const orphan = belowBroken.get(d.id);
      if (!d.keep && orphan !== undefined) return { ...d, keep: true, reasons: [`chain: below ${orphan}, whose chain is broken (kept until that is resolved)`] };
      return d;
    }),
    ...backups
      .filter((b) => brokenIds.has(b.id))
      .map((b) => ({ id: b.id, time: b.time, keep: true, reasons: [`protected: broken chain (${brokenIds.get(b.id)} is missing), not a restore point; delete it by hand once understood`] })),
  ];
  decisions.sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { decisions, broken: broken.sort((a, b) => a.id.localeCompare(b.id)) };
}
