// 5-field cron expressions (minute hour day-of-month month day-of-week) evaluated in an IANA time zone.
// croner evaluates them; we restrict the syntax to what Vixie cron and systemd OnCalendar can express,
// because the same expressions are installed as cron files and systemd timers.
import { Cron, CronPattern } from 'croner';
import { longestGapOfPatterns, minutesOfDay, runsOfPatterns, type GapResult, type SchedulerRules } from './cron-gap.js';
import { validateTimeZone } from './time-zone.js';

export { validateTimeZone } from './time-zone.js';
export type { GapResult, SchedulerRules } from './cron-gap.js';

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const validationCache = new Map<string, string | undefined>();

/** Error message for an expression Strata does not accept, or undefined when it is valid. */
export function validateCron(expr: string): string | undefined {
  if (typeof expr !== 'string') return 'cron expression is empty';
  // Every rule checks every schedule, and 500 categories often share a handful of expressions.
  if (validationCache.has(expr)) return validationCache.get(expr);
  const problem = checkCron(expr);
  if (validationCache.size >= 1000) validationCache.clear();
  validationCache.set(expr, problem);
  return problem;
}

function checkCron(expr: string): string | undefined {
  if (expr.trim() === '') return 'cron expression is empty';
  const trimmed = expr.trim();
  if (trimmed.startsWith('@')) {
    return `nicknames such as ${trimmed.split(/\s+/)[0]} are not supported; write the 5 fields (e.g. "0 0 * * *" for @daily)`;
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length === 6 || parts.length === 7) {
    return `cron expression has ${parts.length} fields; Strata takes 5 (minute hour day-of-month month day-of-week), without seconds or years`;
  }
  if (parts.length !== 5) {
    return `cron expression has ${parts.length} field${parts.length === 1 ? '' : 's'}; expected 5 (minute hour day-of-month month day-of-week)`;
  }
  for (let i = 0; i < 5; i++) {
    const problem = validateField(parts[i] as string, i);
    if (problem) return problem;
  }
  try {
    // Our field checks come first for clearer messages; croner has the last word.
    new CronPattern(trimmed, undefined, { mode: '5-part' });
  } catch (e) {
    return `invalid cron expression: ${String((e as Error).message).replace(/^CronPattern:\s*/, '')}`;
  }
  // 30 February and friends: syntactically fine, never fires.
  if (!cronFor(trimmed, 'UTC').nextRun(new Date(Date.UTC(2024, 0, 1)))) {
    return 'cron expression never fires (no such date exists)';
  }
  return undefined;
}

function validateField(field: string, index: number): string | undefined {
  const spec = FIELDS[index]!;
  const names = index === 3 ? MONTH_NAMES : index === 4 ? DAY_NAMES : undefined;
  const bad = field.match(/[^0-9a-zA-Z*,/-]/);
  if (bad) {
    return `${spec.name} field "${field}" contains "${bad[0]}"; only numbers, names, *, ",", "-" and "/" are portable to cron and systemd`;
  }
  for (const item of field.split(',')) {
    if (item === '') return `${spec.name} field "${field}" has an empty list item`;
    const [range, step, ...more] = item.split('/');
    if (more.length > 0 || range === undefined || range === '') return `${spec.name} field "${field}" is not valid`;
    if (step !== undefined && !/^[0-9]+$/.test(step)) return `${spec.name} field "${field}": step "${step}" is not a number`;
    if (step !== undefined && Number(step) === 0) return `${spec.name} field "${field}": step must be at least 1`;
    if (range === '*') continue;
    if (step !== undefined && !range.includes('-')) {
      return `${spec.name} field "${field}": write "*/${step}" or "a-b/${step}" (a step needs * or a range)`;
    }
    const ends = range.split('-');
    if (ends.length > 2) return `${spec.name} field "${field}" has an invalid range "${range}"`;
    const values: number[] = [];
    for (const [k, end] of ends.entries()) {
      // "sat-sun" means 6-7, as in croner and Vixie cron.
      const v = index === 4 && k === 1 && end.toLowerCase() === 'sun' ? 7 : fieldValue(end, names);
      if (v === undefined) {
        const what = names ? `a number or a name (${names[0]}…)` : 'a number';
        return `${spec.name} field "${field}": "${end}" is not ${what}`;
      }
      if (v < spec.min || v > spec.max) {
        return `${spec.name} ${v} is out of range (${spec.min}-${index === 4 ? 6 : spec.max}${index === 4 ? ', or 7 for Sunday' : ''})`;
      }
      values.push(v);
    }
    if (values.length === 2 && (values[0] as number) > (values[1] as number)) {
      return `${spec.name} field "${field}": range ${range} runs backwards`;
    }
  }
  return undefined;
}

function fieldValue(text: string, names: string[] | undefined): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  if (!names) return undefined;
  const i = names.indexOf(text.toLowerCase());
  if (i < 0) return undefined;
  return names === MONTH_NAMES ? i + 1 : i;
}

const cronCache = new Map<string, Cron>();

function cronFor(expr: string, tz: string): Cron {
  const key = `${tz}\u0000${expr}`;
  let c = cronCache.get(key);
  if (!c) {
    c = new Cron(expr.trim(), { timezone: tz, mode: '5-part' });
    if (cronCache.size > 500) cronCache.clear();
    cronCache.set(key, c);
  }
  return c;
}

function checkedCron(expr: string, tz: string): Cron {
  const problem = validateCron(expr);
  if (problem) throw new Error(`${problem}: ${JSON.stringify(expr)}`);
  const tzProblem = validateTimeZone(tz);
  if (tzProblem) throw new Error(tzProblem);
  return cronFor(expr, tz);
}

/** The first scheduled time strictly after `after`. */
export function nextFire(expr: string, tz: string = 'UTC', after: Date): Date | undefined {
  return checkedCron(expr, tz).nextRun(after) ?? undefined;
}

/** The most recent scheduled time at or before `at`. */
export function lastFireAtOrBefore(expr: string, tz: string = 'UTC', at: Date): Date | undefined {
  // croner excludes a run at exactly the reference instant but includes one earlier in the same second.
  const ref = new Date(Math.floor(at.getTime() / 1000) * 1000 + 1);
  return checkedCron(expr, tz).previousRuns(1, ref)[0] ?? undefined;
}

const timesCache = new Map<string, number[]>();

/** Minutes of the day (0-1439) at which any of the expressions runs, sorted; ignores which days they run on. */
export function runTimesOfDay(exprs: string[]): number[] {
  const key = exprs.join('\u0000');
  const cached = timesCache.get(key);
  if (cached) return [...cached];
  const on = new Set<number>();
  for (const e of exprs) {
    const problem = validateCron(e);
    if (problem) throw new Error(`${problem}: ${JSON.stringify(e)}`);
    for (const m of minutesOfDay(new CronPattern(e.trim(), undefined, { mode: '5-part' }))) on.add(m);
  }
  const times = [...on].sort((a, b) => a - b);
  if (timesCache.size >= 1000) timesCache.clear();
  timesCache.set(key, times);
  return [...times];
}

export interface LongestGapOptions {
  /** Start of the horizon; defaults to 2024-01-01T00:00Z so that results (and messages) are deterministic. */
  from?: Date;
  /** Stop as soon as a gap longer than this is found (the result is then a gap above it, not necessarily the longest). */
  stopAboveMs?: number;
  /** Length of the horizon; by default one year for weekly-periodic schedules, 32 years otherwise. */
  horizonMs?: number;
  /** Whose daylight-saving rules decide skipped and repeated wall-clock times (default: croner, as `plan` uses). */
  rules?: SchedulerRules;
}

function checkedPatterns(exprs: string[], tz: string): CronPattern[] {
  const patterns = exprs.map((e) => {
    const problem = validateCron(e);
    if (problem) throw new Error(`${problem}: ${JSON.stringify(e)}`);
    return new CronPattern(e.trim(), undefined, { mode: '5-part' });
  });
  const tzProblem = validateTimeZone(tz);
  if (tzProblem) throw new Error(tzProblem);
  return patterns;
}

const gapCache = new Map<string, GapResult>();

/**
 * The longest interval between consecutive runs of the union of `exprs`. With fewer than two runs in the
 * horizon, gapMs is Infinity. Results are cached: categories of a large policy share a few schedules.
 */
export function longestGap(exprs: string[], tz: string = 'UTC', opts: LongestGapOptions = {}): GapResult {
  const from = opts.from ?? new Date(Date.UTC(2024, 0, 1));
  const rules = opts.rules ?? 'croner';
  const key = JSON.stringify([exprs, tz, from.getTime(), opts.stopAboveMs, opts.horizonMs, rules]);
  const cached = gapCache.get(key);
  if (cached) return { ...cached };
  const result = longestGapOfPatterns(checkedPatterns(exprs, tz), tz, { from, stopAboveMs: opts.stopAboveMs, horizonMs: opts.horizonMs, rules });
  if (gapCache.size >= 500) gapCache.clear();
  gapCache.set(key, result);
  return { ...result };
}

/** The daylight-saving rules of a scheduler type; without one, `plan`/`apply` (croner) decide when runs are due. */
export function rulesForScheduler(type: string | undefined): SchedulerRules {
  return type === 'systemd' ? 'systemd' : type === 'cron' ? 'cron' : 'croner';
}

/** Every run of the union of `exprs` in [from, until], as the scheduler with these rules starts them. */
export function scheduledRuns(exprs: string[], tz: string, rules: SchedulerRules, from: Date, until: Date): Date[] {
  return runsOfPatterns(checkedPatterns(exprs, tz), tz, rules, from.getTime(), until.getTime()).map((t) => new Date(t));
}
