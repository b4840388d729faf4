// Bucket keys of the GFS rules, in UTC. Two backups share a bucket when their keys are equal;
// keys sort like time, so "newest first" walks buckets newest first too.
export type BucketRule = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export const BUCKET_RULES: readonly BucketRule[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** ISO-8601 week-numbering year and week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(time: Date): { year: number; week: number } {
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  // The Thursday of this week decides the week-numbering year.
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const year = day.getUTCFullYear();
  const firstDay = Date.UTC(year, 0, 1);
  const week = Math.floor((day.getTime() - firstDay) / 86_400_000 / 7) + 1;
  return { year, week };
}

export function bucketKey(rule: BucketRule, time: Date): string {
  const y = pad(time.getUTCFullYear(), 4);
  const m = pad(time.getUTCMonth() + 1);
  const d = pad(time.getUTCDate());
  switch (rule) {
    case 'hourly':
      return `${y}-${m}-${d} ${pad(time.getUTCHours())}:00`;
    case 'daily':
      return `${y}-${m}-${d}`;
    case 'weekly': {
      const { year, week } = isoWeek(time);
      return `${pad(year, 4)}-W${pad(week)}`;
    }
    case 'monthly':
      return `${y}-${m}`;
    case 'yearly':
      return y;
  }
}
