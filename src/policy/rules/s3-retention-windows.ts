// How long keep rules hold backups, per copy of a tier: what the S3 rules compare lifecycle and lock days with.
import type { Keep, StrataPolicy } from '../../generated/policy.js';

export interface KeepWindow {
  /** e.g. "weekly: 12" */
  label: string;
  days: number;
}

/** Each non-zero count as an approximate window in days (`last: N` depends on the schedule and is left out). */
export function keepWindows(keep: Keep): KeepWindow[] {
  const out: KeepWindow[] = [];
  const add = (key: keyof Keep, daysEach: number) => {
    const n = keep[key] ?? 0;
    if (n > 0) out.push({ label: `${key}: ${n}`, days: n * daysEach });
  };
  add('hourly', 1 / 24);
  add('daily', 1);
  add('weekly', 7);
  add('monthly', 30);
  add('yearly', 365);
  return out;
}

export interface TierCopy {
  category: string;
  /** Index in the category's copies. */
  index: number;
  windows: KeepWindow[];
}

/** Every copy kept in `tier`, in file order, with its keep windows. */
export function copiesInTier(raw: StrataPolicy, tier: string): TierCopy[] {
  const out: TierCopy[] = [];
  for (const [category, cat] of Object.entries(raw.categories)) {
    cat.copies.forEach((copy, index) => {
      if (copy.tier === tier) out.push({ category, index, windows: keepWindows(copy.keep) });
    });
  }
  return out;
}

export function longest(windows: KeepWindow[]): KeepWindow | undefined {
  return windows.reduce<KeepWindow | undefined>((a, w) => (!a || w.days > a.days ? w : a), undefined);
}

export function shortest(windows: KeepWindow[]): KeepWindow | undefined {
  return windows.reduce<KeepWindow | undefined>((a, w) => (!a || w.days < a.days ? w : a), undefined);
}

export function roundDays(days: number): string {
  return String(Math.round(days * 10) / 10);
}
