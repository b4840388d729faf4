// `every` on copies: the first copy receives every backup by definition, and when every off-site copy is
// periodic, losing the site loses up to a period of data whatever the schedule says.
import { copyPeriodMs } from '../../model/copy-cadence.js';
import { formatDuration, parseDuration } from '../../model/duration.js';
import { categoryEntries, report, type Rule } from './rule.js';

export const copyCadence: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    const first = cat.copies[0];
    if (first?.every !== undefined) {
      out.push(
        report(ctx, {
          code: 'every-on-first-copy',
          path: ['categories', name, 'copies', 0, 'every'],
          message: `copy 1 (tier \`${first.tier}\`) of category \`${name}\` sets \`every\`, but the first copy is where every backup is written`,
          hint: 'move the periodic tier after the first copy, or remove `every` from it',
        }),
      );
    }
    const offsite = cat.copies.map((copy, index) => ({ copy, index })).filter(({ copy }) => ctx.policy.tiers[copy.tier]?.offsite);
    let rpoMs: number;
    try {
      rpoMs = parseDuration(cat.rpo);
    } catch {
      continue;
    }
    const periods = offsite.map(({ copy }) => copyPeriodMs(copy.every));
    if (offsite.length === 0 || periods.some((p) => p === undefined || p <= rpoMs)) continue;
    const shortest = Math.min(...(periods as number[]));
    const { copy, index } = offsite[periods.indexOf(shortest)]!;
    out.push(
      report(ctx, {
        severity: 'warning',
        code: 'offsite-copy-period',
        path: ['categories', name, 'copies', index, 'every'],
        message: `the off-site copies of category \`${name}\` are made at most every ${formatDuration(shortest)} (tier \`${copy.tier}\`: every ${copy.every}), so losing this site loses up to that much data; rpo is ${cat.rpo}`,
        hint: 'keep one off-site tier without `every` (e.g. a warm S3 tier) and use `every` for the cold or archive tier only',
      }),
    );
  }
  return out;
};
