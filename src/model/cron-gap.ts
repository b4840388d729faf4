// Longest interval between consecutive runs of a union of cron patterns. Walking every run with croner
// is far too slow for `*/5 * * * *` over the decades a `0 0 29 2 *` needs, so this walks calendar days
// instead: on a day without a DST change, the runs of a set of patterns are the same wall-clock minutes
// every time, so each day costs one lookup. Days near an offset change are resolved minute by minute,
// following croner's DST rules (see _runAt in croner): a fixed-time job whose time does not exist runs
// when the clock jumps, an interval job skips it; a repeated time runs once for fixed-time jobs and
// twice for interval jobs.
import type { CronPattern } from 'croner';
import { offsetAt, transitionsBetween, type Transition } from './time-zone.js';

export interface GapResult {
  gapMs: number;
  /** The run that starts the gap. */
  after: Date;
  /** The run that ends the gap. */
  before: Date;
}

interface Options {
  from: Date;
  stopAboveMs?: number;
  horizonMs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NEAR = 15 * HOUR;
const WEEKLY_HORIZON = 373 * DAY; // a year of DST changes, plus a week of weekday patterns
// Weekday/date combinations repeat every 28 years (1901-2099); plus the longest possible gap (29 Feb, 4y).
const CALENDAR_HORIZON = Math.round(32 * 365.25 * DAY) + 31 * DAY;

interface DayPlan {
  minutes: number[];
  fixedTime: boolean;
  pattern: CronPattern;
}

interface DaySummary {
  first: number;
  last: number;
  gap: number;
  gapStart: number;
}

export function longestGapOfPatterns(patterns: CronPattern[], tz: string, opts: Options): GapResult {
  const fromMs = opts.from.getTime();
  const weekly = patterns.every((p) => p.starDOM && p.month.every((m) => m));
  const horizon = opts.horizonMs ?? (weekly ? WEEKLY_HORIZON : CALENDAR_HORIZON);
  const untilMs = fromMs + horizon;
  const plans: DayPlan[] = patterns.map((p) => ({ minutes: minutesOfDay(p), fixedTime: p.isFixedTime, pattern: p }));

  const transitions = transitionsBetween(tz, fromMs - 2 * DAY, untilMs + 2 * DAY);
  const firstOffset = offsetAt(tz, fromMs - 2 * DAY);
  const summaries = new Map<number, DaySummary>();

  let best: GapResult = { gapMs: -1, after: opts.from, before: opts.from };
  let prev: number | undefined;
  const consider = (a: number, b: number): void => {
    if (b - a > best.gapMs) best = { gapMs: b - a, after: new Date(a), before: new Date(b) };
  };

  let tIndex = 0; // first transition that could still matter
  const startLocal = fromMs + offsetAt(tz, fromMs);
  const firstDay = Math.floor(startLocal / DAY);
  const lastDay = Math.floor((untilMs + offsetAt(tz, untilMs)) / DAY);

  for (let day = firstDay; day <= lastDay; day++) {
    const localStart = day * DAY;
    const date = new Date(localStart);
    const mask = dayMask(plans, date.getUTCMonth(), date.getUTCDate(), date.getUTCDay());
    if (mask === 0) continue;

    // Offsets lie within ±14h, so a day's runs fall in [localStart - 14h, localStart + 38h) UTC.
    while (tIndex < transitions.length && (transitions[tIndex] as Transition).at < localStart - NEAR) tIndex++;
    const near = tIndex < transitions.length && (transitions[tIndex] as Transition).at < localStart + DAY + NEAR;
    const edge = day === firstDay || day === lastDay;

    if (!near && !edge) {
      const offset = tIndex > 0 ? (transitions[tIndex - 1] as Transition).after : firstOffset;
      const base = localStart - offset;
      let s = summaries.get(mask);
      if (!s) {
        s = summarize(plans, mask);
        summaries.set(mask, s);
      }
      if (prev !== undefined) consider(prev, base + s.first * MINUTE);
      if (s.gap > 0) consider(base + s.gapStart * MINUTE, base + (s.gapStart + s.gap) * MINUTE);
      prev = base + s.last * MINUTE;
    } else {
      const runs = resolveDay(plans, mask, localStart, transitions, firstOffset).filter((t) => t >= fromMs && t <= untilMs);
      for (const t of runs) {
        if (prev !== undefined && t > prev) consider(prev, t);
        if (prev === undefined || t > prev) prev = t;
      }
    }
    if (opts.stopAboveMs !== undefined && best.gapMs > opts.stopAboveMs) break;
  }

  if (best.gapMs < 0) {
    const only = prev !== undefined ? new Date(prev) : opts.from;
    return { gapMs: Number.POSITIVE_INFINITY, after: only, before: new Date(untilMs) };
  }
  return best;
}

/** Minutes of the day (0-1439) at which a pattern runs, on the days it runs. */
export function minutesOfDay(p: CronPattern): number[] {
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    if (!p.hour[h]) continue;
    for (let m = 0; m < 60; m++) if (p.minute[m]) out.push(h * 60 + m);
  }
  return out;
}

/** Bit i is set when pattern i runs on this date; mirrors croner's day-of-month/day-of-week OR rule. */
function dayMask(plans: DayPlan[], month: number, day: number, weekday: number): number {
  let mask = 0;
  for (let i = 0; i < plans.length; i++) {
    const p = (plans[i] as DayPlan).pattern;
    if (!p.month[month]) continue;
    let ok = Boolean(p.day[day - 1]);
    if (!p.starDOW) {
      const dow = Boolean(p.dayOfWeek[weekday]);
      ok = p.starDOM ? ok && dow : ok || dow;
    }
    if (ok && (plans[i] as DayPlan).minutes.length > 0) mask |= 1 << i;
  }
  return mask;
}

function summarize(plans: DayPlan[], mask: number): DaySummary {
  const on = new Uint8Array(1440);
  plans.forEach((plan, i) => {
    if (mask & (1 << i)) for (const m of plan.minutes) on[m] = 1;
  });
  let first = -1;
  let last = -1;
  let gap = 0;
  let gapStart = 0;
  for (let m = 0; m < 1440; m++) {
    if (!on[m]) continue;
    if (first < 0) first = m;
    else if (m - last > gap) {
      gap = m - last;
      gapStart = last;
    }
    last = m;
  }
  return { first, last, gap, gapStart };
}

/** Exact run instants of one local day, honouring DST changes. */
function resolveDay(plans: DayPlan[], mask: number, localStart: number, transitions: Transition[], firstOffset: number): number[] {
  // Offset segments around the day: [start, end) in UTC with a constant offset.
  const windowStart = localStart - 2 * DAY;
  const windowEnd = localStart + 3 * DAY;
  const starts: number[] = [];
  const ends: number[] = [];
  const offs: number[] = [];
  let off = firstOffset;
  let start = Number.NEGATIVE_INFINITY;
  for (const t of transitions) {
    if (t.at >= windowEnd) break;
    if (t.at > windowStart) {
      starts.push(start);
      ends.push(t.at);
      offs.push(off);
    }
    start = t.at;
    off = t.after;
  }
  starts.push(start);
  ends.push(Number.POSITIVE_INFINITY);
  offs.push(off);

  const out = new Set<number>();
  const candidates: number[] = [];
  plans.forEach((plan, i) => {
    if (!(mask & (1 << i))) return;
    for (const m of plan.minutes) {
      const local = localStart + m * MINUTE;
      candidates.length = 0;
      for (let k = 0; k < offs.length; k++) {
        const u = local - (offs[k] as number);
        if (u >= (starts[k] as number) && u < (ends[k] as number)) candidates.push(u);
      }
      if (candidates.length === 1) out.add(candidates[0] as number);
      else if (candidates.length > 1) {
        // Segments are in time order, so candidates are too.
        if (plan.fixedTime) out.add(candidates[0] as number);
        else for (const c of candidates) out.add(c);
      } else if (plan.fixedTime) {
        // The wall-clock time was skipped: run when the clock jumps, if that is still the same day.
        const jump = transitions.find((t) => local >= t.at + t.before && local < t.at + t.after);
        if (jump && Math.floor((jump.at + jump.after) / DAY) === Math.floor(local / DAY)) out.add(jump.at);
      }
    }
  });
  return [...out].sort((a, b) => a - b);
}
