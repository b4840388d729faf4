// Copies with `every`: a tier that receives at most one copy per period. Pure: the planner and the
// backup job ask the same question with the same answer.
import { cadenceIntervalMs } from './cadence.js';

/** The period of a copy's `every`, in ms; undefined when every backup is copied. */
export function copyPeriodMs(every: string | undefined): number | undefined {
  if (every === undefined) return undefined;
  const interval = cadenceIntervalMs(every);
  if (typeof interval !== 'number') throw new Error(`invalid copy period ${JSON.stringify(every)}`);
  return interval;
}

/**
 * Whether a backup taken at `at` goes to a tier whose newest copy was taken at `newestInTier`. Scheduled
 * backups land a little after their calendar slot, so the same slack as verification cadences applies
 * (5%, at most an hour): a daily copy does not slip to the next day's backup.
 */
export function isCopyDue(periodMs: number | undefined, newestInTier: Date | undefined, at: Date): boolean {
  if (periodMs === undefined || newestInTier === undefined) return true;
  const slack = Math.min(periodMs * 0.05, 3_600_000);
  return at.getTime() - newestInTier.getTime() >= periodMs - slack;
}
