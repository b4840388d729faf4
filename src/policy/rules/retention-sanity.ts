// Keep rules that keep nothing, and hourly counts on a schedule that runs once a day.
import type { Keep } from '../../generated/policy.js';
import { runTimesOfDay, validateCron } from '../../model/cron.js';
import { categoryEntries, report, type Rule } from './rule.js';
import { minuteOfDayLabel } from './schedule-times.js';

const COUNTS: (keyof Keep)[] = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'];

export const retentionSanity: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    const exprs = [cat.schedule.full, cat.schedule.incremental].filter((e): e is string => e !== undefined);
    const times = exprs.some((e) => validateCron(e)) ? undefined : runTimesOfDay(exprs);
    for (const [i, copy] of cat.copies.entries()) {
      const where = `copy ${i + 1} (tier \`${copy.tier}\`) of category \`${name}\``;
      if (COUNTS.every((k) => (copy.keep[k] ?? 0) === 0)) {
        out.push(
          report(ctx, {
            code: 'keep-nothing',
            path: ['categories', name, 'copies', i, 'keep'],
            target: 'key',
            message: `${where} keeps nothing: every count in keep is 0`,
            hint: 'set at least one count above 0, e.g. `keep: { daily: 7 }`; to stop keeping a copy, remove the copy',
          }),
        );
        continue;
      }
      const hourly = copy.keep.hourly ?? 0;
      if (hourly > 0 && times !== undefined && times.length === 1) {
        out.push(
          report(ctx, {
            severity: 'warning',
            code: 'hourly-keep-sparse',
            path: ['categories', name, 'copies', i, 'keep', 'hourly'],
            message: `hourly: ${hourly} in ${where} keeps at most one backup a day with this schedule (it runs only at ${minuteOfDayLabel(times[0] as number)})`,
            hint: `use \`daily: ${hourly}\` instead, or schedule backups every hour`,
          }),
        );
      }
    }
  }
  return out;
};
