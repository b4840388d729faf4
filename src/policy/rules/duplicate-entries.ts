// The same tier twice in one category's copies, or the same source twice in its data.
import { categoryEntries, report, type Rule } from './rule.js';

export const duplicateEntries: Rule = (ctx) => {
  const out = [];
  for (const [name, cat] of categoryEntries(ctx)) {
    const tierAt = new Map<string, number>();
    for (const [i, c] of cat.copies.entries()) {
      const first = tierAt.get(c.tier);
      if (first === undefined) {
        tierAt.set(c.tier, i);
        continue;
      }
      out.push(
        report(ctx, {
          code: 'duplicate-copy',
          path: ['categories', name, 'copies', i, 'tier'],
          message: `category \`${name}\` lists tier \`${c.tier}\` twice in copies (entries ${first + 1} and ${i + 1})`,
          hint: 'keep one copy per tier and merge the keep rules into it',
        }),
      );
    }
    const sourceAt = new Map<string, number>();
    for (const [i, d] of cat.data.entries()) {
      const first = sourceAt.get(d.source);
      if (first === undefined) {
        sourceAt.set(d.source, i);
        continue;
      }
      out.push(
        report(ctx, {
          code: 'duplicate-data',
          path: ['categories', name, 'data', i, 'source'],
          message: `category \`${name}\` lists source \`${d.source}\` twice in data (entries ${first + 1} and ${i + 1})`,
          hint: 'list each source once and merge the include/exclude lists, or split the data into two categories',
        }),
      );
    }
  }
  return out;
};
