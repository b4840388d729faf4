// schedule.incremental needs every source of the category to support incremental backups.
import { supportsIncremental } from '../../model/capabilities.js';
import { categoryEntries, report, type Rule } from './rule.js';

export const incrementalSupport: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    if (cat.schedule.incremental === undefined) continue;
    const unsupported = cat.data
      .map((d) => ({ name: d.source, type: ctx.raw.sources[d.source]?.type }))
      .filter((s): s is { name: string; type: NonNullable<typeof s.type> } => s.type !== undefined && !supportsIncremental(s.type));
    if (unsupported.length === 0) continue;
    const list = unsupported.map((s) => `\`${s.name}\` (${s.type})`).join(', ');
    out.push(
      report(ctx, {
        code: 'incremental-unsupported',
        path: ['categories', name, 'schedule', 'incremental'],
        message: `category \`${name}\` schedules incremental backups, but source${unsupported.length > 1 ? 's' : ''} ${list} cannot take them`,
        hint: `remove schedule.incremental and run schedule.full as often as rpo (${cat.rpo}) needs, or raise the rpo`,
      }),
    );
  }
  return out;
};
