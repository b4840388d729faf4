// S3 lifecycle rules checked at PR time: expiry that would delete backups retention keeps (error), transitions
// S3 rejects (too early into IA, out of order, expiry before a transition: errors), and transitions that leave
// a storage class before its minimum billed duration (warning: early-deletion charges).
import type { Tier } from '../../generated/policy.js';
import type { Diagnostic } from '../diagnostic.js';
import { report, type Rule, type RuleContext } from './rule.js';
import { copiesInTier, longest, roundDays, shortest } from './s3-retention-windows.js';

/** Days S3 bills at least, per storage class. */
export const MINIMUM_DAYS: Record<string, number> = {
  STANDARD: 0,
  STANDARD_IA: 30,
  ONEZONE_IA: 30,
  INTELLIGENT_TIERING: 0,
  GLACIER_IR: 90,
  GLACIER: 90,
  DEEP_ARCHIVE: 180,
};

/** Coldness: transitions must only go colder. */
const RANK: Record<string, number> = { STANDARD: 0, STANDARD_IA: 1, INTELLIGENT_TIERING: 1, ONEZONE_IA: 2, GLACIER_IR: 3, GLACIER: 4, DEEP_ARCHIVE: 5 };
const IA = new Set(['STANDARD_IA', 'ONEZONE_IA']);

function checkExpiry(ctx: RuleContext, name: string, tier: Tier): Diagnostic[] {
  const expire = tier.lifecycle?.expire_days;
  if (expire === undefined) return [];
  const out: Diagnostic[] = [];
  for (const copy of copiesInTier(ctx.raw, name)) {
    const keep = longest(copy.windows);
    if (!keep || keep.days <= expire) continue;
    out.push(
      report(ctx, {
        code: 'lifecycle-expires-kept-backups',
        path: ['tiers', name, 'lifecycle', 'expire_days'],
        message: `the lifecycle of tier \`${name}\` deletes objects after ${expire} days, but copy ${copy.index + 1} of category \`${copy.category}\` keeps backups for about ${roundDays(keep.days)} days (\`${keep.label}\`); S3 would delete backups that retention keeps`,
        hint: `raise expire_days to at least ${Math.ceil(keep.days)}, or keep backups in this tier for at most ${expire} days`,
      }),
    );
  }
  return out;
}

/** Errors S3 itself would answer PutBucketLifecycleConfiguration with. */
function checkTransitions(ctx: RuleContext, name: string, tier: Tier): Diagnostic[] {
  const transitions = tier.lifecycle?.transitions ?? [];
  const out: Diagnostic[] = [];
  const at = (i: number, field: 'days' | 'storage_class') => ['tiers', name, 'lifecycle', 'transitions', i, field];
  const base = tier.storage_class ?? 'STANDARD';
  transitions.forEach((t, i) => {
    const previous = transitions[i - 1];
    if (IA.has(t.storage_class) && t.days < 30) {
      out.push(
        report(ctx, {
          code: 'lifecycle-transition-too-early',
          path: at(i, 'days'),
          message: `tier \`${name}\` moves objects to ${t.storage_class} after ${t.days} days; S3 allows ${t.storage_class} only after 30 days or more`,
          hint: 'set days to 30 or more, or upload into this class directly with `storage_class`',
        }),
      );
    } else if ((RANK[t.storage_class] ?? 0) <= (RANK[previous?.storage_class ?? base] ?? 0)) {
      const from = previous?.storage_class ?? base;
      out.push(
        report(ctx, {
          code: 'lifecycle-transition-order',
          path: at(i, 'storage_class'),
          message: `tier \`${name}\` moves objects from ${from} to ${t.storage_class}, which is not a colder class; S3 transitions only go colder (STANDARD_IA → ONEZONE_IA → GLACIER_IR → GLACIER → DEEP_ARCHIVE)`,
          hint: `list transitions from warm to cold with increasing days${previous ? '' : `, each colder than the tier's storage_class ${base}`}`,
        }),
      );
    } else if (previous && t.days <= previous.days) {
      out.push(
        report(ctx, {
          code: 'lifecycle-transition-order',
          path: at(i, 'days'),
          message: `tier \`${name}\` moves objects to ${t.storage_class} after ${t.days} days, not later than the move to ${previous.storage_class} (${previous.days} days)`,
          hint: 'give each transition more days than the one before',
        }),
      );
    } else if (previous && IA.has(previous.storage_class) && t.days - previous.days < 30) {
      out.push(
        report(ctx, {
          code: 'lifecycle-transition-too-early',
          path: at(i, 'days'),
          message: `tier \`${name}\` moves objects from ${previous.storage_class} to ${t.storage_class} after ${t.days - previous.days} days there; S3 needs at least 30 days in ${previous.storage_class} first`,
          hint: `set days to ${previous.days + 30} or more`,
        }),
      );
    }
  });
  const last = transitions.at(-1);
  const expire = tier.lifecycle?.expire_days;
  if (last && expire !== undefined && expire <= last.days) {
    out.push(
      report(ctx, {
        code: 'lifecycle-expiry-before-transition',
        path: ['tiers', name, 'lifecycle', 'expire_days'],
        message: `tier \`${name}\` deletes objects after ${expire} days, not later than their move to ${last.storage_class} (${last.days} days); S3 rejects this lifecycle`,
        hint: `set expire_days above ${last.days}, or drop the transition`,
      }),
    );
  }
  return out;
}

/** Warnings: a class left before its minimum billed duration (by the next move, expiry or prune). */
function checkEarlyDeletion(ctx: RuleContext, name: string, tier: Tier): Diagnostic[] {
  const transitions = tier.lifecycle?.transitions ?? [];
  const expire = tier.lifecycle?.expire_days;
  const pruned = copiesInTier(ctx.raw, name)
    .map((c) => ({ copy: c, keep: shortest(c.windows) }))
    .filter((p) => p.keep !== undefined)
    .sort((a, b) => a.keep!.days - b.keep!.days)[0];
  const out: Diagnostic[] = [];
  transitions.forEach((t, i) => {
    const minimum = MINIMUM_DAYS[t.storage_class] ?? 0;
    const next = transitions[i + 1];
    const ends = [
      next ? { days: next.days, why: `they move on to ${next.storage_class} at ${next.days} days` } : undefined,
      expire !== undefined ? { days: expire, why: `the lifecycle deletes them at ${expire} days` } : undefined,
      pruned
        ? {
            days: pruned.keep!.days,
            why: `retention prunes backups kept by \`${pruned.keep!.label}\` (copy ${pruned.copy.index + 1} of category \`${pruned.copy.category}\`) after about ${roundDays(pruned.keep!.days)} days`,
          }
        : undefined,
    ].filter((e): e is { days: number; why: string } => e !== undefined && e.days > t.days);
    const end = ends.sort((a, b) => a.days - b.days)[0];
    if (!end || end.days - t.days >= minimum) return;
    out.push(
      report(ctx, {
        severity: 'warning',
        code: 'lifecycle-early-delete',
        path: ['tiers', name, 'lifecycle', 'transitions', i, 'storage_class'],
        message: `objects of tier \`${name}\` move to ${t.storage_class} after ${t.days} days but leave it ${roundDays(end.days - t.days)} days later (${end.why}); ${t.storage_class} bills at least ${minimum} days, so deleting earlier costs more`,
        hint: `keep objects in ${t.storage_class} for ${minimum} days or more (move later, or keep backups longer), or pick a class with a shorter minimum`,
      }),
    );
  });
  return out;
}

export const s3Lifecycle: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  for (const [name, tier] of Object.entries(ctx.raw.tiers)) {
    if (tier.storage.type !== 's3' || !tier.lifecycle) continue;
    out.push(...checkExpiry(ctx, name, tier));
    const invalid = checkTransitions(ctx, name, tier);
    out.push(...invalid);
    // Cost warnings about a lifecycle S3 would reject anyway are noise.
    if (invalid.length === 0) out.push(...checkEarlyDeletion(ctx, name, tier));
  }
  return out;
};
