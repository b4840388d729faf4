// Key-pattern filters need a logical Redis dump: an RDB snapshot holds every key, so include/exclude on an
// rdb-mode source (or on a category's data ref to one) would fail at backup time. Catch it at review time.
import type { Diagnostic } from '../diagnostic.js';
import { categoryEntries, report, type Rule } from './rule.js';

export const sourceFilters: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  for (const [name, source] of Object.entries(ctx.raw.sources)) {
    if (source.type !== 'redis' || (source.mode ?? 'rdb') !== 'rdb') continue;
    for (const field of ['include', 'exclude'] as const) {
      if (!source[field]) continue;
      out.push(
        report(ctx, {
          code: 'rdb-key-filter',
          path: ['sources', name, field],
          target: 'key',
          message: `source \`${name}\` is an RDB snapshot (mode: rdb), which always holds every key, so \`${field}\` cannot apply`,
          hint: 'use `mode: logical` for key-pattern filters, or remove the filter',
        }),
      );
    }
  }
  for (const [catName, cat] of categoryEntries(ctx)) {
    cat.data.forEach((ref, index) => {
      const source = ctx.raw.sources[ref.source];
      if (source?.type !== 'redis' || (source.mode ?? 'rdb') !== 'rdb') return;
      for (const field of ['include', 'exclude'] as const) {
        if (!ref[field]) continue;
        out.push(
          report(ctx, {
            code: 'rdb-key-filter',
            path: ['categories', catName, 'data', index, field],
            target: 'key',
            message: `category \`${catName}\` filters keys of \`${ref.source}\`, an RDB snapshot (mode: rdb) that always holds every key`,
            hint: `set \`mode: logical\` on source \`${ref.source}\` for key-pattern filters, or remove the filter`,
          }),
        );
      }
    });
  }
  return out;
};
