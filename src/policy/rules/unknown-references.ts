// data[].source must name a source, copies[].tier a tier.
import { didYouMean } from '../suggest.js';
import { categoryEntries, report, type Rule } from './rule.js';

export const unknownReferences: Rule = (ctx) => {
  const sources = Object.keys(ctx.raw.sources);
  const tiers = Object.keys(ctx.raw.tiers);
  // Sets: a policy with thousands of categories and sources must stay linear.
  const sourceSet = new Set(sources);
  const tierSet = new Set(tiers);
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    for (const [i, d] of cat.data.entries()) {
      if (sourceSet.has(d.source)) continue;
      out.push(
        report(ctx, {
          code: 'unknown-source',
          path: ['categories', name, 'data', i, 'source'],
          message: `category \`${name}\` refers to source \`${d.source}\`, which is not defined${didYouMean(d.source, sources)}`,
          hint: `define it under \`sources\` or use one of: ${sources.join(', ')}`,
        }),
      );
    }
    for (const [i, c] of cat.copies.entries()) {
      if (tierSet.has(c.tier)) continue;
      out.push(
        report(ctx, {
          code: 'unknown-tier',
          path: ['categories', name, 'copies', i, 'tier'],
          message: `category \`${name}\` keeps a copy in tier \`${c.tier}\`, which is not defined${didYouMean(c.tier, tiers)}`,
          hint: `define it under \`tiers\` or use one of: ${tiers.join(', ')}`,
        }),
      );
    }
  }
  return out;
};
