// A schedule in a local time zone whose runs fall into a daylight-saving gap or repeat, where the scheduler
// that really runs it (systemd timers, cron with CRON_TZ) drops runs that Strata's own planner would keep:
// the gap across that change is longer than it needs to be. A warning, because it holds within the RPO
// (rpo-coverage reports it as an error when it does not).
import { longestGap, validateCron, validateTimeZone } from '../../model/cron.js';
import { formatDuration, parseDuration } from '../../model/duration.js';
import { isFixedUtc } from '../../model/time-zone.js';
import { categoryEntries, report, type Rule } from './rule.js';
import { explainDstGap, schedulerRules } from './schedule-times.js';

export const scheduleDst: Rule = (ctx) => {
  const rules = schedulerRules(ctx.raw);
  if (rules === 'croner') return [];
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    const tz = cat.schedule.timezone;
    if (tz === undefined || isFixedUtc(tz) || validateTimeZone(tz)) continue;
    const exprs = [cat.schedule.full, cat.schedule.incremental].filter((e): e is string => e !== undefined);
    if (exprs.some((e) => validateCron(e))) continue;
    const actual = longestGap(exprs, tz, { rules });
    const ideal = longestGap(exprs, tz);
    if (!Number.isFinite(actual.gapMs) || actual.gapMs <= ideal.gapMs || actual.gapMs > parseDuration(cat.rpo)) continue;
    const dst = explainDstGap(actual, tz, exprs, rules);
    if (!dst) continue;
    out.push(
      report(ctx, {
        severity: 'warning',
        code: 'dst-schedule',
        path: ['categories', name, 'schedule', 'timezone'],
        message: `the schedule of category \`${name}\` meets a daylight-saving change: ${dst.why}, leaving a gap of ${formatDuration(actual.gapMs)} where it otherwise leaves at most ${formatDuration(ideal.gapMs)}`,
        hint: `set schedule.timezone: UTC (and write the times in UTC), or schedule no run in ${dst.window} local time`,
      }),
    );
  }
  return out;
};
