// 3-2-1: a second tier, and one copy off-site. Warnings, because a demo or a dev box may want neither.
import { categoryEntries, report, type Rule } from './rule.js';

export const copyPlacement: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    const tiers = [...new Set(cat.copies.map((c) => c.tier))];
    // An unknown tier is an error already; judging placement without it would mislead.
    if (tiers.some((t) => ctx.policy.tiers[t] === undefined)) continue;
    if (tiers.length < 2) {
      out.push(
        report(ctx, {
          severity: 'warning',
          code: 'single-tier',
          path: ['categories', name, 'copies'],
          target: 'key',
          message: `category \`${name}\` keeps copies in only one tier (\`${tiers[0]}\`); losing it loses every backup`,
          hint: 'add a copy in a second tier on other media (3-2-1: 3 copies, 2 media, 1 off-site)',
        }),
      );
    }
    if (!tiers.some((t) => ctx.policy.tiers[t]?.offsite)) {
      out.push(
        report(ctx, {
          severity: 'warning',
          code: 'no-offsite-copy',
          path: ['categories', name, 'copies'],
          target: 'key',
          message: `no copy of category \`${name}\` is off-site: ${tiers.map((t) => `\`${t}\``).join(', ')} ${tiers.length > 1 ? 'are' : 'is'} on this host`,
          hint: 'add a copy in an S3 tier, or set `offsite: true` on a tier that really lives elsewhere (e.g. a mounted remote volume)',
        }),
      );
    }
  }
  return out;
};
