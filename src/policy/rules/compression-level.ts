// gzip takes levels 1-9; the schema allows up to 19 because zstd does.
import { categoryEntries, report, type Rule } from './rule.js';

export const compressionLevel: Rule = (ctx) => {
  const out = [];
  const defaults = ctx.raw.defaults;
  const reported = new Set<string>();
  for (const [name, cat] of categoryEntries(ctx)) {
    const codec = cat.compression ?? defaults?.compression ?? 'zstd';
    const level = cat.compression_level ?? defaults?.compression_level;
    if (codec !== 'gzip' || level === undefined || level <= 9) continue;
    const path = cat.compression_level !== undefined ? ['categories', name, 'compression_level'] : ['defaults', 'compression_level'];
    const key = path.join('/');
    if (reported.has(key)) continue;
    reported.add(key);
    out.push(
      report(ctx, {
        code: 'compression-level',
        path,
        message: `compression level ${level} is too high for gzip (category \`${name}\`); gzip takes 1-9`,
        hint: 'use a level from 1 to 9 with gzip, or switch to zstd (levels 1-19)',
      }),
    );
  }
  return out;
};
