// Wall-clock descriptions of schedule gaps, in the schedule's own time zone.
import { offsetAt } from '../../model/time-zone.js';

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

/** "between 02:00 and 02:00 next day", or with dates when the gap spans more than a day. */
export function describeGap(after: Date, before: Date, tz: string): string {
  const a = local(after, tz);
  const b = local(before, tz);
  const dayA = Math.floor(a.getTime() / DAY);
  const dayB = Math.floor(b.getTime() / DAY);
  const dst = crossesOffsetChange(after, before, tz) ? ', across a daylight-saving change' : '';
  const zone = (tz === 'UTC' ? '' : `, ${tz} time`) + dst;
  if (dayA === dayB) return `between ${hhmm(a)} and ${hhmm(b)}${zone}`;
  if (dayB === dayA + 1) return `between ${hhmm(a)} and ${hhmm(b)} next day${zone}`;
  return `between ${dated(a)} and ${dated(b)}${zone}`;
}
