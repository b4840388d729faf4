import { Cron, CronPattern } from 'croner';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastFireAtOrBefore, longestGap, nextFire, runTimesOfDay, scheduledRuns, validateCron, validateTimeZone } from '../../../src/model/cron.js';
import { offsetAt, transitionsBetween } from '../../../src/model/time-zone.js';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const utc = (s: string): Date => new Date(`${s}Z`);

/** Reference: every run from croner itself, one by one (slow, so only over short horizons). */
function bruteForceGap(exprs: string[], tz: string, from: Date, horizonMs: number): { gapMs: number; after: number } {
  const until = from.getTime() + horizonMs;
  const runs = new Set<number>();
  for (const e of exprs) {
    const cron = new Cron(e, { timezone: tz, mode: '5-part' });
    let d: Date | null = new Date(from.getTime() - 1000);
    while ((d = cron.nextRun(d)) && d.getTime() <= until) runs.add(d.getTime());
  }
  const sorted = [...runs].sort((a, b) => a - b);
  let gapMs = -1;
  let after = 0;
  for (let i = 1; i < sorted.length; i++) {
    const g = (sorted[i] as number) - (sorted[i - 1] as number);
    if (g > gapMs) {
      gapMs = g;
      after = sorted[i - 1] as number;
    }
  }
  return { gapMs, after };
}

describe('validateCron', () => {
  it.each(['0 2 * * *', '*/5 * * * *', '0 0 29 2 *', '0 0 31 * *', '15 1 * * 1-5', '0 0 * JAN-MAR MON-FRI', '0 0 * * SAT-SUN', '0 0 * * 7', '0 */6 1,15 * *', '0 9-17/2 * * *'])(
    'accepts %j',
    (expr) => {
      expect(validateCron(expr)).toBeUndefined();
    },
  );

  it.each([
    ['', 'cron expression is empty'],
    ['* * * * * *', 'cron expression has 6 fields; Strata takes 5 (minute hour day-of-month month day-of-week), without seconds or years'],
    ['0 0 1 1 * 2030 x', 'has 7 fields'],
    ['0 2 * *', 'cron expression has 4 fields; expected 5'],
    ['@daily', 'nicknames such as @daily are not supported'],
    ['61 * * * *', 'minute 61 is out of range (0-59)'],
    ['0 24 * * *', 'hour 24 is out of range (0-23)'],
    ['0 0 0 * *', 'day-of-month 0 is out of range (1-31)'],
    ['0 0 * 13 *', 'month 13 is out of range (1-12)'],
    ['0 0 * * 8', 'day-of-week 8 is out of range (0-6, or 7 for Sunday)'],
    ['0 0 ? * *', 'contains "?"'],
    ['0 0 L * *', '"L" is not a number'],
    ['0 0 * * 5#2', 'contains "#"'],
    ['*/0 * * * *', 'step must be at least 1'],
    ['5/15 * * * *', 'a step needs * or a range'],
    ['0 5-1 * * *', 'range 5-1 runs backwards'],
    ['0 0 * FOO *', '"FOO" is not a number or a name'],
    ['0 0 30 2 *', 'never fires'],
  ])('rejects %j: %s', (expr, fragment) => {
    expect(validateCron(expr)).toContain(fragment);
  });
});

describe('validateTimeZone', () => {
  it('accepts IANA zones and rejects others', () => {
    expect(validateTimeZone('Europe/Berlin')).toBeUndefined();
    expect(validateTimeZone('UTC')).toBeUndefined();
    expect(validateTimeZone('Mars/Olympus')).toBe('unknown time zone "Mars/Olympus"');
  });
});

describe('nextFire and lastFireAtOrBefore', () => {
  it('nextFire is strictly after the reference', () => {
    expect(nextFire('0 2 * * *', 'UTC', utc('2026-01-01T02:00:00'))).toEqual(utc('2026-01-02T02:00:00'));
    expect(nextFire('0 2 * * *', 'UTC', utc('2026-01-01T01:59:59'))).toEqual(utc('2026-01-01T02:00:00'));
  });

  it('lastFireAtOrBefore includes a run at exactly the reference', () => {
    expect(lastFireAtOrBefore('0 2 * * *', 'UTC', utc('2026-01-01T02:00:00'))).toEqual(utc('2026-01-01T02:00:00'));
    expect(lastFireAtOrBefore('0 2 * * *', 'UTC', utc('2026-01-01T02:00:00.500'))).toEqual(utc('2026-01-01T02:00:00'));
    expect(lastFireAtOrBefore('0 2 * * *', 'UTC', utc('2026-01-01T01:59:59.999'))).toEqual(utc('2025-12-31T02:00:00'));
  });

  it('finds sparse schedules years back', () => {
    expect(lastFireAtOrBefore('0 0 29 2 *', 'UTC', utc('2027-06-01T00:00:00'))).toEqual(utc('2024-02-29T00:00:00'));
    expect(lastFireAtOrBefore('0 0 1 1 *', 'UTC', utc('2026-11-21T12:00:00'))).toEqual(utc('2026-01-01T00:00:00'));
  });

  it('evaluates in the schedule time zone', () => {
    // 02:30 in Berlin is 01:30 UTC in winter and 00:30 UTC in summer.
    expect(lastFireAtOrBefore('30 2 * * *', 'Europe/Berlin', utc('2026-01-15T12:00:00'))).toEqual(utc('2026-01-15T01:30:00'));
    expect(lastFireAtOrBefore('30 2 * * *', 'Europe/Berlin', utc('2026-07-15T12:00:00'))).toEqual(utc('2026-07-15T00:30:00'));
  });

  it('is fast for every-minute schedules', () => {
    const start = performance.now();
    for (let i = 0; i < 200; i++) lastFireAtOrBefore('* * * * *', 'Europe/Berlin', new Date(Date.UTC(2026, 5, 1, 12, 0, i * 7)));
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('throws on invalid input instead of guessing', () => {
    expect(() => nextFire('61 * * * *', 'UTC', new Date())).toThrow(/minute 61 is out of range/);
    expect(() => nextFire('0 2 * * *', 'Nowhere/Land', new Date())).toThrow(/unknown time zone/);
  });
});

describe('longestGap', () => {
  it('a daily schedule leaves a one-day gap', () => {
    const g = longestGap(['0 2 * * *'], 'UTC');
    expect(g.gapMs).toBe(D);
    expect(g.after.getUTCHours()).toBe(2);
  });

  it('takes the union of full and incremental schedules', () => {
    expect(longestGap(['0 2 * * *', '*/5 * * * *'], 'UTC').gapMs).toBe(5 * MIN);
    // Incrementals only in office hours: the evening gap (17:45 → 02:00) decides, not 02:00 → 09:00.
    const g = longestGap(['0 2 * * *', '*/15 9-17 * * *'], 'UTC');
    expect(g.gapMs).toBe(8 * H + 15 * MIN);
    expect([g.after.getUTCHours(), g.after.getUTCMinutes()]).toEqual([17, 45]);
    expect([g.before.getUTCHours(), g.before.getUTCMinutes()]).toEqual([2, 0]);
  });

  it('weekday-only schedules leave the weekend open', () => {
    const g = longestGap(['0 2 * * 1-5'], 'UTC');
    expect(g.gapMs).toBe(3 * D);
    expect(g.after.getUTCDay()).toBe(5); // Friday
    expect(g.before.getUTCDay()).toBe(1); // Monday
  });

  it('sees the two-month gap of the 31st and the four-year gap of 29 February', () => {
    expect(longestGap(['0 0 31 * *'], 'UTC').gapMs).toBe(61 * D);
    const leap = longestGap(['0 0 29 2 *'], 'UTC');
    expect(leap.gapMs).toBe(1461 * D);
    expect(leap.after).toEqual(utc('2024-02-29T00:00:00'));
  });

  it('handles yearly and quarterly schedules', () => {
    expect(longestGap(['0 0 1 1 *'], 'UTC').gapMs).toBe(366 * D); // 2024 is a leap year
    expect(longestGap(['0 0 1 */3 *'], 'UTC').gapMs).toBe(92 * D);
  });

  it('stops early once a gap exceeds the limit', () => {
    const g = longestGap(['0 0 29 2 *'], 'UTC', { stopAboveMs: D });
    expect(g.gapMs).toBeGreaterThan(D);
  });

  it('daylight-saving changes stretch and shrink local schedules', () => {
    // 03:30 Berlin every day: 25 hours across the October change, 23 across March.
    const g = longestGap(['30 3 * * *'], 'Europe/Berlin');
    expect(g.gapMs).toBe(25 * H);
    expect(g.after).toEqual(utc('2024-10-26T01:30:00'));
    // The same schedule in UTC is exactly daily.
    expect(longestGap(['30 3 * * *'], 'UTC').gapMs).toBe(D);
    // A fixed-time job at a skipped time (02:30 on the spring-forward day) runs at 03:00 instead.
    const spring = longestGap(['30 2 * * *'], 'Europe/Berlin', { from: utc('2024-03-29T00:00:00'), horizonMs: 4 * D });
    expect(spring.gapMs).toBe(24 * H);
  });

  it('interval jobs run twice in a repeated hour, fixed-time jobs once', () => {
    // America/New_York falls back on 2024-11-03 at 02:00 EDT → 01:00 EST.
    const from = utc('2024-11-02T12:00:00');
    const fixed = longestGap(['30 1 * * *'], 'America/New_York', { from, horizonMs: 2 * D });
    expect(fixed.gapMs).toBe(25 * H);
    const interval = longestGap(['*/30 * * * *'], 'America/New_York', { from, horizonMs: 2 * D });
    expect(interval.gapMs).toBe(30 * MIN);
  });

  it('reports Infinity when fewer than two runs fall in the horizon', () => {
    const g = longestGap(['0 0 29 2 *'], 'UTC', { from: utc('2025-01-01T00:00:00'), horizonMs: 365 * D });
    expect(g.gapMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('is fast for dense schedules over the full horizon', () => {
    const start = performance.now();
    expect(longestGap(['*/5 * * * *'], 'Europe/Berlin').gapMs).toBe(5 * MIN);
    expect(longestGap(['* * * * *', '0 0 1 1 *'], 'America/New_York').gapMs).toBe(MIN);
    expect(longestGap(['0 2 * * *', '*/5 * * * *'], 'UTC').gapMs).toBe(5 * MIN);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('matches croner run by run, across DST changes in many zones', () => {
    const field = (xs: string[]) => fc.constantFrom(...xs);
    const expr = fc
      .tuple(
        field(['0', '15', '30', '45', '*/30', '0,30', '5-20/5', '59']),
        field(['*', '2', '1-3', '*/6', '2,14', '0', '23', '*/2']),
        field(['*', '*', '*', '1', '15', '1,15', '28-31']),
        field(['*', '*', '*', '3', '10,11', '*/3']),
        field(['*', '*', '0', '1-5', '6', '0,3']),
      )
      .map((f) => f.join(' '));
    const tz = field(['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Havana']);
    // Start near the 2024/2025 changes in either hemisphere.
    const from = fc
      .tuple(fc.constantFrom('2024-03-24', '2024-03-05', '2024-10-22', '2024-03-29', '2024-10-31', '2025-04-01', '2024-09-25'), fc.integer({ min: 0, max: 6 * 24 }))
      .map(([day, hours]) => new Date(Date.parse(`${day}T00:00:00Z`) + hours * H));
    fc.assert(
      fc.property(fc.array(expr, { minLength: 1, maxLength: 2 }), tz, from, (exprs, zone, start) => {
        const horizonMs = 9 * D;
        const expected = bruteForceGap(exprs, zone, start, horizonMs);
        const actual = longestGap(exprs, zone, { from: start, horizonMs });
        if (expected.gapMs < 0) {
          expect(actual.gapMs).toBe(Number.POSITIVE_INFINITY);
        } else {
          expect({ gap: actual.gapMs, after: actual.after.getTime() }).toEqual({ gap: expected.gapMs, after: expected.after });
        }
      }),
      { numRuns: 40, seed: 20261121 },
    );
  });
});

describe('runTimesOfDay', () => {
  it('lists the minutes of the day at which any expression runs', () => {
    expect(runTimesOfDay(['0 2 * * *'])).toEqual([120]);
    expect(runTimesOfDay(['0 2 * * 0', '0 2 * * 1-6'])).toEqual([120]);
    expect(runTimesOfDay(['0 2 * * *', '30 */12 * * *'])).toEqual([30, 120, 750]);
  });
});

/** Local wall-clock fields of a UTC instant in a zone, from its offset changes (exact to the second). */
function localFields(tz: string, from: number, until: number): (utcMs: number) => { local: number; min: number; hour: number; dom: number; month: number; dow: number } {
  const changes = transitionsBetween(tz, from - 2 * D, until + 2 * D);
  const first = offsetAt(tz, from - 2 * D);
  return (utcMs) => {
    let offset = first;
    for (const c of changes) if (c.at <= utcMs) offset = c.after;
    const d = new Date(utcMs + offset);
    return { local: utcMs + offset, min: d.getUTCMinutes(), hour: d.getUTCHours(), dom: d.getUTCDate(), month: d.getUTCMonth(), dow: d.getUTCDay() };
  };
}

/**
 * Reference for the systemd and cron rules, minute by minute of real time: a job matches when the local time
 * does; a job that runs a repeated time once (every systemd timer; for cron, a job without * in its minute
 * and hour fields) runs only if its local time is later than the local time of its last run.
 */
function bruteForceRuns(exprs: string[], tz: string, rules: 'systemd' | 'cron', from: number, until: number): number[] {
  const fields = localFields(tz, from, until);
  const jobs = exprs.map((e) => {
    const p = new CronPattern(e, undefined, { mode: '5-part' });
    const [minute = '', hour = '', dom = '', , dow = ''] = e.split(' ');
    const both = rules === 'cron' ? dom.startsWith('*') || dow.startsWith('*') : p.starDOM || p.starDOW;
    const once = rules === 'systemd' || !(minute.startsWith('*') || hour.startsWith('*'));
    return { p, both, once, lastLocal: Number.NEGATIVE_INFINITY };
  });
  const runs = new Set<number>();
  for (let t = Math.ceil(from / MIN) * MIN; t <= until; t += MIN) {
    const f = fields(t);
    for (const j of jobs) {
      const dayOk = j.both ? Boolean(j.p.day[f.dom - 1]) && Boolean(j.p.dayOfWeek[f.dow]) : Boolean(j.p.day[f.dom - 1]) || Boolean(j.p.dayOfWeek[f.dow]);
      if (!j.p.minute[f.min] || !j.p.hour[f.hour] || !j.p.month[f.month] || !dayOk) continue;
      if (j.once && f.local <= j.lastLocal) continue;
      j.lastLocal = f.local;
      runs.add(t);
    }
  }
  return [...runs].sort((a, b) => a - b);
}

describe('the daylight-saving rules of the scheduler that runs the schedule', () => {
  const y2026 = utc('2026-01-01T00:00:00');

  it('systemd skips 02:30 on the day Berlin jumps from 02:00 to 03:00: 47 h, where croner counts 25 h', () => {
    const systemd = longestGap(['30 2 * * *'], 'Europe/Berlin', { from: y2026, rules: 'systemd' });
    expect([systemd.gapMs, systemd.after, systemd.before]).toEqual([47 * H, utc('2026-03-28T01:30:00'), utc('2026-03-30T00:30:00')]);
    expect(longestGap(['30 2 * * *'], 'Europe/Berlin', { from: y2026 }).gapMs).toBe(25 * H);
    expect(longestGap(['30 2 * * *'], 'Europe/Berlin', { from: y2026, rules: 'cron' }).gapMs).toBe(47 * H);
  });

  it('systemd runs the repeated hour of New York once: an hourly schedule leaves 2 h on 2026-11-01', () => {
    const systemd = longestGap(['0 * * * *'], 'America/New_York', { from: y2026, rules: 'systemd' });
    expect([systemd.gapMs, systemd.after, systemd.before]).toEqual([2 * H, utc('2026-11-01T05:00:00'), utc('2026-11-01T07:00:00')]);
    // croner and cron (an hourly job has * in its hour field) run both 01:00s.
    expect(longestGap(['0 * * * *'], 'America/New_York', { from: y2026 }).gapMs).toBe(H);
    expect(longestGap(['0 * * * *'], 'America/New_York', { from: y2026, rules: 'cron' }).gapMs).toBe(H);
  });

  it('cron runs a job without * in its time fields once in a repeated hour (Debian), with * twice (cronie and Debian)', () => {
    const from = utc('2026-10-31T00:00:00');
    expect(longestGap(['0,30 1 * * *'], 'America/New_York', { from, horizonMs: 3 * D, rules: 'cron' }).gapMs).toBe(25 * H - 30 * MIN);
    expect(scheduledRuns(['*/30 1 * * *'], 'America/New_York', 'cron', utc('2026-11-01T05:00:00'), utc('2026-11-01T06:30:00'))).toEqual(
      [utc('2026-11-01T05:00:00'), utc('2026-11-01T05:30:00'), utc('2026-11-01T06:00:00'), utc('2026-11-01T06:30:00')],
    );
  });

  it('cron needs both day fields when one starts with * (Vixie), croner and systemd either', () => {
    // The 1st and 15th, or Mondays: with "*/2" as the day of month Vixie cron runs on odd days that are Mondays.
    const from = utc('2026-06-01T00:00:00');
    const vixie = scheduledRuns(['0 12 */2 * 1'], 'UTC', 'cron', from, utc('2026-06-30T23:59:00'));
    expect(vixie.every((d) => d.getUTCDay() === 1 && d.getUTCDate() % 2 === 1)).toBe(true);
    expect(scheduledRuns(['0 12 */2 * 1'], 'UTC', 'systemd', from, utc('2026-06-30T23:59:00')).length).toBeGreaterThan(15);
  });

  it('match a minute-by-minute reference across DST changes in many zones', () => {
    const field = (xs: string[]) => fc.constantFrom(...xs);
    const expr = fc
      .tuple(
        field(['0', '15', '30', '45', '*/30', '0,30', '5-20/5', '59']),
        field(['*', '2', '1-3', '*/6', '2,14', '0', '23', '*/2', '1']),
        field(['*', '*', '*', '1', '15', '*/2']),
        field(['*', '*', '*', '3', '10,11']),
        field(['*', '*', '0', '1-5', '6']),
      )
      .map((f) => f.join(' '));
    const tz = field(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Chatham', 'America/Havana', 'America/Santiago']);
    const rules = fc.constantFrom('systemd' as const, 'cron' as const);
    const from = fc
      .tuple(fc.constantFrom('2024-03-24', '2024-03-05', '2024-10-22', '2024-03-29', '2024-10-31', '2025-04-01', '2024-09-25', '2024-09-03'), fc.integer({ min: 0, max: 6 * 24 }))
      .map(([day, hours]) => new Date(Date.parse(`${day}T00:00:00Z`) + hours * H));
    fc.assert(
      fc.property(fc.array(expr, { minLength: 1, maxLength: 2 }), tz, rules, from, (exprs, zone, r, start) => {
        const until = start.getTime() + 9 * D;
        const expected = bruteForceRuns(exprs, zone, r, start.getTime(), until);
        const actual = scheduledRuns(exprs, zone, r, start, new Date(until)).map((d) => d.getTime());
        expect(actual.map((t) => new Date(t).toISOString())).toEqual(expected.map((t) => new Date(t).toISOString()));
        let gap = -1;
        for (let i = 1; i < expected.length; i++) gap = Math.max(gap, (expected[i] as number) - (expected[i - 1] as number));
        const computed = longestGap(exprs, zone, { from: start, horizonMs: 9 * D, rules: r }).gapMs;
        expect(computed).toBe(gap < 0 ? Number.POSITIVE_INFINITY : gap);
      }),
      { numRuns: 30, seed: 20261203 },
    );
  });
});
