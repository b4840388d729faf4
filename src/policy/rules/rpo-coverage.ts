// The longest gap between consecutive scheduled runs (full ∪ incremental) must not exceed the RPO.
import { longestGap, validateCron, validateTimeZone } from '../../model/cron.js';
import { formatDuration, parseDuration } from '../../model/duration.js';
import { supportsIncremental } from '../../model/capabilities.js';
import { categoryEntries, report, type Rule } from './rule.js';
import { crossesOffsetChange, describeGap } from './schedule-times.js';

export const rpoCoverage: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    const exprs = [cat.schedule.full, cat.schedule.incremental].filter((e): e is string => e !== undefined);
    const tz = cat.schedule.timezone ?? 'UTC';
    // Broken expressions or zones are reported by schedule-syntax; there is no gap to compute.
    if (exprs.some((e) => validateCron(e)) || validateTimeZone(tz)) continue;
    const rpoMs = parseDuration(cat.rpo);
    const gap = longestGap(exprs, tz, { stopAboveMs: rpoMs });
    if (gap.gapMs <= rpoMs) continue;
    const what = exprs.length > 1 ? 'schedule (full and incremental together)' : 'schedule';
    const gapText = Number.isFinite(gap.gapMs) ? `a gap of ${formatDuration(gap.gapMs)} (${describeGap(gap.after, gap.before, tz)})` : 'runs too rarely to measure a gap';
    const sources = ctx.policy.categories.find((c) => c.name === name)?.data ?? [];
    const incrementalPossible = sources.length > 0 && sources.every((d) => supportsIncremental(d.sourceType));
    const faster = incrementalPossible
      ? `run backups at least every ${formatDuration(rpoMs)} (a more frequent schedule.full, or a schedule.incremental)`
      : `run schedule.full at least every ${formatDuration(rpoMs)}`;
    const dst = Number.isFinite(gap.gapMs) && crossesOffsetChange(gap.after, gap.before, tz) ? ` (or set schedule.timezone: UTC: daylight-saving changes stretch local schedules by an hour)` : '';
    out.push(
      report(ctx, {
        code: 'rpo-breach',
        path: ['categories', name, 'rpo'],
        message: `category \`${name}\`: ${what} leaves ${gapText} but rpo is ${cat.rpo}`,
        hint: Number.isFinite(gap.gapMs)
          ? `${faster}, or raise rpo to at least ${formatDuration(gap.gapMs).replace(/ /g, '')}${dst}`
          : faster,
      }),
    );
  }
  return out;
};
