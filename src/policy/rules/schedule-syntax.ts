// Cron expressions and time zones of every schedule.
import { validateCron, validateTimeZone } from '../../model/cron.js';
import { didYouMean } from '../suggest.js';
import { categoryEntries, report, type Rule } from './rule.js';

export const scheduleSyntax: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    for (const field of ['full', 'incremental'] as const) {
      const expr = cat.schedule[field];
      if (expr === undefined) continue;
      const problem = validateCron(expr);
      if (!problem) continue;
      out.push(
        report(ctx, {
          code: 'invalid-cron',
          path: ['categories', name, 'schedule', field],
          message: `schedule.${field} of category \`${name}\` is not a valid cron expression: ${problem}`,
          hint: 'write 5 fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day',
        }),
      );
    }
    const tz = cat.schedule.timezone;
    if (tz !== undefined && validateTimeZone(tz)) {
      out.push(
        report(ctx, {
          code: 'invalid-timezone',
          path: ['categories', name, 'schedule', 'timezone'],
          message: `schedule.timezone of category \`${name}\` is not a known IANA time zone: "${tz}"${didYouMean(tz, knownTimeZones())}`,
          hint: 'use a name such as UTC, Europe/Berlin or America/New_York (see `timedatectl list-timezones`)',
        }),
      );
    }
  }
  return out;
};

function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? [...intl.supportedValuesOf('timeZone'), 'UTC'] : ['UTC'];
}
