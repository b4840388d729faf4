// GFS retention with restic `forget` semantics, plus protections restic lacks: the newest backup and any
// caller-named backups (e.g. the newest verified one) are never dropped. Pure: no clock, no I/O.
//
// Callers group backups by category, source and tier before calling this: unlike restic, which groups by
// host and paths (so a changed path silently stops all forgetting, restic #3515), the group here is fixed
// by the policy and never drifts.
import type { Keep } from '../generated/policy.js';
import { BUCKET_RULES, bucketKey, type BucketRule } from './bucket-keys.js';

export interface RetentionBackup {
  id: string;
  time: Date;
}

export interface RetentionProtection {
  id: string;
  /** Why it must stay, e.g. "newest verified backup"; shown as "protected: <reason>". */
  reason: string;
}

export interface RetentionOptions {
  protect?: RetentionProtection[];
}

export interface RetentionDecision {
  id: string;
  time: Date;
  keep: boolean;
  /** Why it is kept or dropped; never empty. */
  reasons: string[];
}

type RuleName = 'last' | BucketRule;

interface ActiveRule {
  rule: BucketRule;
  count: number;
  remaining: number;
  lastKey: string | undefined;
}

const NEWEST_REASON = 'protected: newest good backup';
const EMPTY_POLICY_REASON = 'keep policy is empty: keeping everything';

function countOf(keep: Keep, rule: RuleName): number {
  const value = keep[rule];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function compareNewestFirst(a: RetentionBackup, b: RetentionBackup): number {
  const byTime = b.time.getTime() - a.time.getTime();
  if (byTime !== 0) return byTime;
  // Equal times: order by id (descending, ids embed the time) so the result never depends on input order.
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function protectedReason(reason: string): string {
  return reason.startsWith('protected:') ? reason : `protected: ${reason}`;
}

/** Describes the policy for "not selected by …" messages, e.g. "daily: 7, weekly: 4". */
export function describeKeep(keep: Keep): string {
  const parts = (['last', ...BUCKET_RULES] as RuleName[])
    .filter((rule) => countOf(keep, rule) > 0)
    .map((rule) => `${rule}: ${countOf(keep, rule)}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

/**
 * Decides, for every backup, whether to keep it and why. Returns one decision per backup, newest first.
 *
 * restic semantics: walking newest first, each rule keeps a backup whose bucket key differs from the last key
 * it kept, while its count lasts; a rule whose count is not used up also keeps the oldest backup. An empty
 * policy keeps everything (as restic does) — `validate` rejects such policies anyway.
 */
export function selectRetention(
  backups: readonly RetentionBackup[],
  keep: Keep,
  opts: RetentionOptions = {},
): RetentionDecision[] {
  for (const backup of backups) {
    if (Number.isNaN(backup.time.getTime())) throw new TypeError(`backup ${backup.id} has an invalid time`);
  }
  const sorted = [...backups].sort(compareNewestFirst);

  const protections = new Map<string, string[]>();
  for (const { id, reason } of opts.protect ?? []) {
    const list = protections.get(id) ?? [];
    const text = protectedReason(reason);
    if (!list.includes(text)) list.push(text);
    protections.set(id, list);
  }

  const lastCount = countOf(keep, 'last');
  const rules: ActiveRule[] = BUCKET_RULES.filter((rule) => countOf(keep, rule) > 0).map((rule) => ({
    rule,
    count: countOf(keep, rule),
    remaining: countOf(keep, rule),
    lastKey: undefined,
  }));
  const emptyPolicy = lastCount === 0 && rules.length === 0;
  const policyText = describeKeep(keep);

  return sorted.map((backup, index) => {
    const reasons: string[] = [];
    if (index === 0) reasons.push(NEWEST_REASON);
    for (const reason of protections.get(backup.id) ?? []) {
      if (!reasons.includes(reason)) reasons.push(reason);
    }
    if (emptyPolicy) reasons.push(EMPTY_POLICY_REASON);

    const misses: string[] = [];
    if (lastCount > 0) {
      if (index < lastCount) reasons.push(`last ${lastCount} (#${index + 1})`);
      else misses.push(`last: all ${lastCount} used by newer backups`);
    }

    const isOldest = index === sorted.length - 1;
    for (const state of rules) {
      if (state.remaining <= 0) {
        misses.push(`${state.rule}: all ${state.count} used by newer backups`);
        continue;
      }
      const key = bucketKey(state.rule, backup.time);
      if (key !== state.lastKey) {
        state.lastKey = key;
        state.remaining -= 1;
        reasons.push(`newest ${state.rule} for ${key}`);
      } else if (isOldest) {
        // restic keeps the oldest backup while a count remains: it maximises the history kept.
        state.remaining -= 1;
        reasons.push(`oldest backup, ${state.rule} count not used up`);
      } else {
        misses.push(`superseded by newer backup in ${key} (${state.rule})`);
      }
    }

    const keepIt = reasons.length > 0;
    return {
      id: backup.id,
      time: backup.time,
      keep: keepIt,
      reasons: keepIt ? reasons : [`not selected by ${policyText}`, ...misses],
    };
  });
}
