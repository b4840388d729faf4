// Longest interval between consecutive runs of a union of cron patterns. Walking every run with croner
// is far too slow for `*/5 * * * *` over the decades a `0 0 29 2 *` needs, so this walks calendar days
// instead: on a day without a DST change, the runs of a set of patterns are the same wall-clock minutes
// every time, so each day costs one lookup. Days near an offset change are resolved minute by minute,
// following the daylight-saving rules of the scheduler that runs the schedule (SchedulerRules).
import type { CronPattern } from 'croner';
import { offsetAt, transitionsBetween, type Transition } from './time-zone.js';

/**
 * Whose rules decide what happens to a wall-clock time that a daylight-saving change skips or repeats.
 *
 * - `croner`: Strata's own planner (`plan`/`apply` decide what is due with croner; see _runAt in croner):
 *   a fixed-time job (one minute, one hour) whose time does not exist runs when the clock jumps, an
 *   interval job skips it; a repeated time runs once (the first) for fixed-time jobs, twice for the others.
 * - `systemd`: a timer's OnCalendar= walks wall-clock times forward and resolves each with mktime(), so a
 *   time that does not exist is skipped and a repeated time fires once, at its first occurrence: the
 *   second pass through a repeated hour gets no runs at all (systemd 252: `*-*-* 02:30 Europe/Berlin`
 *   fires 2026-03-28 01:30Z, then 2026-03-30 00:30Z; `*:00 America/New_York` fires 2026-11-01 05:00Z,
 *   then 07:00Z). Checked against `systemd-analyze calendar` in test/integration/render/systemd-dst.test.ts.
 * - `cron`: the file Strata renders sets CRON_TZ. cronie honours it by matching every real minute against
 *   the job's local time ("there will be jobs missed or run twice during the DST change in the job
 *   timezone", cronie src/cron.c find_jobs): skipped times never run, repeated times run twice. Debian's
 *   cron (3.0pl1) ignores CRON_TZ and runs in the daemon's zone, with cron(8)'s rules: "if the time has
 *   moved forwards, those jobs which would have run in the time that was skipped will be run soon after
 *   the change. Conversely, if the time has moved backwards by less than 3 hours, those jobs that fall into
 *   the repeated time will not be re-run. Only jobs that run at a particular time (not specified as @hourly,
 *   nor with '*' in the hour or minute specifier) are affected." RPO maths takes the worse of the two at
 *   each point: a skipped time does not run (cronie); a repeated time runs once for jobs without '*' in
 *   the minute and hour fields (Debian), twice for the others (both). Days follow Vixie's rule: when either
 *   day field starts with '*', a day must match both, otherwise either.
 */
export type SchedulerRules = 'croner' | 'systemd' | 'cron';

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
  /** Default: croner. */
  rules?: SchedulerRules;
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
  /** A repeated wall-clock time runs once (at its first occurrence), not at both. */
  once: boolean;
  /** A skipped wall-clock time runs when the clock jumps, instead of not at all. */
  runsSkipped: boolean;
  /** A day must match both day fields (else either). */
  bothDays: boolean;
  pattern: CronPattern;
}

function planDay(p: CronPattern, rules: SchedulerRules): DayPlan {
  const minutes = minutesOfDay(p);
  if (rules === 'systemd') return { minutes, once: true, runsSkipped: false, bothDays: p.starDOM || p.starDOW, pattern: p };
  if (rules === 'cron') {
    const [minute = '', hour = '', dom = '', , dow = ''] = p.pattern.trim().split(/\s+/);
    const starred = minute.startsWith('*') || hour.startsWith('*');
    return { minutes, once: !starred, runsSkipped: false, bothDays: dom.startsWith('*') || dow.startsWith('*'), pattern: p };
  }
  return { minutes, once: p.isFixedTime, runsSkipped: p.isFixedTime, bothDays: p.starDOM || p.starDOW, pattern: p };
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
  const plans: DayPlan[] = patterns.map((p) => planDay(p, opts.rules ?? 'croner'));

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

/** Every run in [fromMs, untilMs], in order, as the scheduler with these rules starts them. */
export function runsOfPatterns(patterns: CronPattern[], tz: string, rules: SchedulerRules, fromMs: number, untilMs: number): number[] {
  const plans = patterns.map((p) => planDay(p, rules));
  const transitions = transitionsBetween(tz, fromMs - 2 * DAY, untilMs + 2 * DAY);
  const firstOffset = offsetAt(tz, fromMs - 2 * DAY);
  const out: number[] = [];
  const firstDay = Math.floor((fromMs + offsetAt(tz, fromMs)) / DAY) - 1;
  const lastDay = Math.floor((untilMs + offsetAt(tz, untilMs)) / DAY) + 1;
  for (let day = firstDay; day <= lastDay; day++) {
    const date = new Date(day * DAY);
    const mask = dayMask(plans, date.getUTCMonth(), date.getUTCDate(), date.getUTCDay());
    if (mask === 0) continue;
    for (const t of resolveDay(plans, mask, day * DAY, transitions, firstOffset)) if (t >= fromMs && t <= untilMs) out.push(t);
  }
  return [...new Set(out)].sort((a, b) => a - b);
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

/** Bit i is set when pattern i runs on this date (day-of-month and day-of-week: both or either, per plan). */
function dayMask(plans: DayPlan[], month: number, day: number, weekday: number): number {
  let mask = 0;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as DayPlan;
    const p = plan.pattern;
    if (!p.month[month]) continue;
    const dom = Boolean(p.day[day - 1]);
    const dow = Boolean(p.dayOfWeek[weekday]);
    const ok = plan.bothDays ? dom && dow : dom || dow;
    if (ok && plan.minutes.length > 0) mask |= 1 << i;
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
        if (plan.once) out.add(candidates[0] as number);
        else for (const c of candidates) out.add(c);
      } else if (plan.runsSkipped) {
        // The wall-clock time was skipped: run when the clock jumps, if that is still the same day.
        const jump = transitions.find((t) => local >= t.at + t.before && local < t.at + t.after);
        if (jump && Math.floor((jump.at + jump.after) / DAY) === Math.floor(local / DAY)) out.add(jump.at);
      }
    }
  });
  return [...out].sort((a, b) => a - b);
}
