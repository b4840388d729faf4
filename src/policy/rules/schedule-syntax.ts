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
      if (!problem) {
        const ambiguity = dayFieldAmbiguity(expr);
        if (ambiguity) {
          out.push(
            report(ctx, {
              severity: 'warning',
              code: 'cron-day-ambiguity',
              path: ['categories', name, 'schedule', field],
              message: `schedule.${field} of category \`${name}\` restricts both day fields and one starts with "*" (${ambiguity.text}): Vixie cron runs only when both match, Strata's schedule checks and systemd timers when either matches`,
              hint: `write "${ambiguity.text}" as "${ambiguity.explicit}", so that every scheduler reads it the same way`,
            }),
          );
        }
        continue;
      }
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

/** A stepped `*` in one day field with the other restricted: Vixie cron treats it as `*` (AND), croner does not (OR). */
function dayFieldAmbiguity(expr: string): { text: string; explicit: string } | undefined {
  const [, , dom, , dow] = expr.trim().split(/\s+/);
  if (dom === undefined || dow === undefined || dom === '*' || dow === '*') return undefined;
  if (dom.startsWith('*')) return { text: dom, explicit: `1-31${dom.slice(1)}` };
  if (dow.startsWith('*')) return { text: dow, explicit: `0-6${dow.slice(1)}` };
  return undefined;
}
