// The longest gap between consecutive scheduled runs (full ∪ incremental) must not exceed the RPO, counted
// with the daylight-saving rules of the scheduler that really runs them (systemd timers skip a time that a
// DST change skips; see SchedulerRules).
import { longestGap, validateCron, validateTimeZone } from '../../model/cron.js';
import { formatDuration, parseDuration } from '../../model/duration.js';
import { supportsIncremental } from '../../model/capabilities.js';
import { categoryEntries, report, type Rule } from './rule.js';
import { crossesOffsetChange, describeGap, explainDstGap, schedulerRules } from './schedule-times.js';

export const rpoCoverage: Rule = (ctx) => {
  const out = [];
  const rules = schedulerRules(ctx.raw);
  const resolved = new Map(ctx.policy.categories.map((c) => [c.name, c]));
  for (const [name, cat] of categoryEntries(ctx)) {
    const exprs = [cat.schedule.full, cat.schedule.incremental].filter((e): e is string => e !== undefined);
    const tz = cat.schedule.timezone ?? 'UTC';
    // Broken expressions or zones are reported by schedule-syntax; there is no gap to compute.
    if (exprs.some((e) => validateCron(e)) || validateTimeZone(tz)) continue;
    const rpoMs = parseDuration(cat.rpo);
    const gap = longestGap(exprs, tz, { stopAboveMs: rpoMs, rules });
    if (gap.gapMs <= rpoMs) continue;
    const what = exprs.length > 1 ? 'schedule (full and incremental together)' : 'schedule';
    const finite = Number.isFinite(gap.gapMs);
    const gapText = finite ? `a gap of ${formatDuration(gap.gapMs)} (${describeGap(gap.after, gap.before, tz)})` : 'runs too rarely to measure a gap';
    // Only the scheduler's daylight-saving rules break the RPO: say so, and how to avoid it.
    const dstOnly = finite && rules !== 'croner' && longestGap(exprs, tz, { stopAboveMs: rpoMs }).gapMs <= rpoMs;
    const dst = dstOnly ? explainDstGap(gap, tz, exprs, rules) : undefined;
    const sources = resolved.get(name)?.data ?? [];
    const incrementalPossible = sources.length > 0 && sources.every((d) => supportsIncremental(d.sourceType));
    const faster = incrementalPossible
      ? `run backups at least every ${formatDuration(rpoMs)} (a more frequent schedule.full, or a schedule.incremental)`
      : `run schedule.full at least every ${formatDuration(rpoMs)}`;
    const raise = finite ? `raise rpo to at least ${formatDuration(gap.gapMs).replace(/ /g, '')}` : '';
    let hint: string;
    if (dst) hint = `set schedule.timezone: UTC (and write the times in UTC), or schedule no run in ${dst.window} local time, or ${raise}`;
    else if (finite) {
      const stretch = crossesOffsetChange(gap.after, gap.before, tz) ? ` (or set schedule.timezone: UTC: daylight-saving changes stretch local schedules by an hour)` : '';
      hint = `${faster}, or ${raise}${stretch}`;
    } else hint = faster;
    out.push(
      report(ctx, {
        code: 'rpo-breach',
        path: ['categories', name, 'rpo'],
        message: `category \`${name}\`: ${what} leaves ${gapText} but rpo is ${cat.rpo}${dst ? `: ${dst.why}` : ''}`,
        hint,
      }),
    );
  }
  return out;
};
