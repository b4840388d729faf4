// Wall-clock descriptions of schedule gaps, in the schedule's own time zone, and of what the scheduler
// that runs them does at daylight-saving changes.
import type { StrataPolicy } from '../../generated/policy.js';
import { rulesForScheduler, runTimesOfDay, type GapResult, type SchedulerRules } from '../../model/cron.js';
import { offsetAt, transitionsBetween } from '../../model/time-zone.js';

const DAY = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function local(at: Date, tz: string): Date {
  return new Date(at.getTime() + offsetAt(tz, at.getTime()));
}

function hhmm(d: Date): string {
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function dated(d: Date): string {
  return `${WEEKDAYS[d.getUTCDay()]} ${d.toISOString().slice(0, 10)} ${hhmm(d)}`;
}

export function minuteOfDayLabel(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Whether the UTC offset differs at the two instants (a daylight-saving change lies between them). */
export function crossesOffsetChange(after: Date, before: Date, tz: string): boolean {
  return offsetAt(tz, after.getTime()) !== offsetAt(tz, before.getTime());
}

/** "UTC+02:00" */
function utcOffset(tz: string, at: Date): string {
  const minutes = Math.round(offsetAt(tz, at.getTime()) / 60_000);
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * "between 02:00 and 02:00 next day", or with dates when the gap spans more than a day. Across a
 * daylight-saving change each end carries its UTC offset: "between 01:00 and 02:00" is two hours when
 * the clocks went back in between.
 */
export function describeGap(after: Date, before: Date, tz: string): string {
  const a = local(after, tz);
  const b = local(before, tz);
  const dayA = Math.floor(a.getTime() / DAY);
  const dayB = Math.floor(b.getTime() / DAY);
  const crosses = crossesOffsetChange(after, before, tz);
  const dst = crosses ? ', across a daylight-saving change' : '';
  const zone = (tz === 'UTC' ? '' : `, ${tz} time`) + dst;
  const end = (label: string, at: Date): string => (crosses ? `${label} (${utcOffset(tz, at)})` : label);
  const [from, to] = dayA === dayB || dayB === dayA + 1 ? [hhmm(a), hhmm(b)] : [dated(a), dated(b)];
  return `between ${end(from, after)} and ${end(to, before)}${dayB === dayA + 1 ? ' next day' : ''}${zone}`;
}

/** The daylight-saving rules of the scheduler a policy renders; without one, `plan`/`apply` (croner) decide. */
export function schedulerRules(raw: StrataPolicy): SchedulerRules {
  return rulesForScheduler(raw.scheduler?.type);
}


function localMinuteLabel(localMs: number): string {
  return hhmm(new Date(localMs));
}

/** Local run times (minutes of the day) in [startMinute, endMinute), which may wrap past midnight. */
function timesWithin(exprs: string[], startMinute: number, endMinute: number): number[] {
  const inside = (m: number): boolean => (startMinute <= endMinute ? m >= startMinute && m < endMinute : m >= startMinute || m < endMinute);
  return runTimesOfDay(exprs).filter(inside);
}

function listTimes(minutes: number[]): string {
  const labels = minutes.slice(0, 3).map(minuteOfDayLabel);
  return minutes.length > 3 ? `${labels.join(', ')}, …` : labels.join(', ');
}

/**
 * Why a gap that spans a daylight-saving change is longer under the scheduler's rules than it needs to be:
 * "Europe/Berlin clocks jump from 02:00 to 03:00 on Sun 2024-03-31, and the systemd timer skips the run at 02:30".
 * Undefined when no offset change lies inside the gap.
 */
export function explainDstGap(gap: GapResult, tz: string, exprs: string[], rules: SchedulerRules): { why: string; window: string } | undefined {
  const t = transitionsBetween(tz, gap.after.getTime(), gap.before.getTime())[0];
  if (!t) return undefined;
  const from = t.at + t.before; // local wall-clock at the change, on the old offset
  const to = t.at + t.after;
  const day = dated(new Date(to)).slice(0, 14);
  const minuteOf = (localMs: number): number => Math.floor((((localMs % DAY) + DAY) % DAY) / 60_000);
  if (to > from) {
    const window = `${localMinuteLabel(from)}–${localMinuteLabel(to - 60_000)}`;
    const skipped = timesWithin(exprs, minuteOf(from), minuteOf(to));
    const runs = skipped.length === 1 ? `the run at ${listTimes(skipped)}` : `the runs at ${listTimes(skipped)}`;
    const who = rules === 'systemd' ? 'the systemd timer' : 'cron with CRON_TZ (cronie)';
    return { why: `${tz} clocks jump from ${localMinuteLabel(from)} to ${localMinuteLabel(to)} on ${day}, and ${who} skips ${runs} instead of starting ${skipped.length === 1 ? 'it' : 'them'} at ${localMinuteLabel(to)}`, window };
  }
  const window = `${localMinuteLabel(to)}–${localMinuteLabel(from - 60_000)}`;
  const once = rules === 'systemd' ? 'the systemd timer starts each wall-clock time once' : "Debian's cron starts a job without * in its minute and hour fields once (cron(8))";
  return { why: `${tz} clocks go back from ${localMinuteLabel(from)} to ${localMinuteLabel(to)} on ${day}, and ${once}, so nothing runs when ${window} repeats`, window };
}
