// How often a verification runs: a named cadence or a duration.
import { parseDuration } from './duration.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const NAMED: Record<string, number> = {
  hourly: HOUR,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 30 * DAY,
  quarterly: 91 * DAY,
  yearly: 365 * DAY,
};

/** Interval in ms, or the two special cadences; throws on an unknown cadence. */
export function cadenceIntervalMs(c: string): number | 'every-backup' | 'never' {
  if (c === 'every-backup' || c === 'never') return c;
  const named = NAMED[c];
  if (named !== undefined) return named;
  try {
    return parseDuration(c);
  } catch {
    throw new Error(
      `invalid cadence ${JSON.stringify(c)}: use every-backup, hourly, daily, weekly, monthly, quarterly, yearly, never or a duration such as 14d`,
    );
  }
}
