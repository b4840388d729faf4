// Sources and tiers that no category uses: usually a typo elsewhere, or dead configuration.
import { closest } from '../suggest.js';
import { categoryEntries, report, type Rule } from './rule.js';

export const unusedDefinitions: Rule = (ctx) => {
  const usedSources = new Set<string>();
  const usedTiers = new Set<string>();
  for (const [, cat] of categoryEntries(ctx)) {
    for (const d of cat.data) usedSources.add(d.source);
    for (const c of cat.copies) usedTiers.add(c.tier);
  }
  // A misspelt reference is reported as unknown, with its likely target; don't also call that target unused.
  const sourceNames = Object.keys(ctx.raw.sources);
  const tierNames = Object.keys(ctx.raw.tiers);
  for (const s of [...usedSources]) if (!Object.hasOwn(ctx.raw.sources, s)) usedSources.add(closest(s, sourceNames) ?? s);
  for (const t of [...usedTiers]) if (!Object.hasOwn(ctx.raw.tiers, t)) usedTiers.add(closest(t, tierNames) ?? t);
  const out = [];
  for (const name of Object.keys(ctx.raw.sources)) {
    if (usedSources.has(name)) continue;
    out.push(
      report(ctx, {
        severity: 'warning',
        code: 'unused-source',
        path: ['sources', name],
        target: 'key',
        message: `source \`${name}\` is not used by any category, so it is never backed up`,
        hint: `add \`- source: ${name}\` to a category's data, or remove the source`,
      }),
    );
  }
  for (const name of Object.keys(ctx.raw.tiers)) {
    if (usedTiers.has(name)) continue;
    out.push(
      report(ctx, {
        severity: 'warning',
        code: 'unused-tier',
        path: ['tiers', name],
        target: 'key',
        message: `tier \`${name}\` is not used by any category's copies`,
        hint: `add \`- { tier: ${name}, keep: { daily: 7 } }\` to a category's copies, or remove the tier`,
      }),
    );
  }
  return out;
};
