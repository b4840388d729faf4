// Policies of growing size for the validate benchmark. Deterministic: the same arguments give the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo policy (policies/demo.yaml) with `extra` more files sources, each unused (one warning each). */
export function demoWithSources(demoText, extra) {
  const lines = [];
  for (let i = 0; i < extra; i++) lines.push(`  extra-${i}:`, '    type: files', `    paths: [/srv/data/${i}]`);
  return demoText.replace('\nsources:\n', `\nsources:\n${lines.join('\n')}\n`);
}

/**
 * A policy with `count` categories, each backing up its own small directory under `root` to two local tiers:
 * what an offline `strata plan` can observe without any server.
 */
export function manyCategories(root, count) {
  const out = [
    'version: 1',
    'system: bench',
    'scheduler: { type: none }',
    'tiers:',
    `  hot: { storage: { type: local, path: ${join(root, 'hot')} } }`,
    `  offsite: { storage: { type: local, path: ${join(root, 'offsite')} }, offsite: true }`,
    'defaults: { compression: gzip }',
    'sources:',
  ];
  for (let i = 0; i < count; i++) out.push(`  src-${i}: { type: files, paths: [${join(root, 'data', String(i))}] }`);
  out.push('categories:');
  for (let i = 0; i < count; i++) {
    out.push(
      `  cat-${i}:`,
      '    rpo: 1d',
      '    rto: 1h',
      `    data: [ { source: src-${i} } ]`,
      `    schedule: { full: "${i % 60} 2 * * *" }`,
      '    copies:',
      '      - { tier: hot, keep: { daily: 7 } }',
      '      - { tier: offsite, keep: { daily: 7, weekly: 4 } }',
    );
  }
  return out.join('\n') + '\n';
}

/** Writes manyCategories and the small data directories it backs up. */
export function writeManyCategories(root, count) {
  for (let i = 0; i < count; i++) {
    mkdirSync(join(root, 'data', String(i)), { recursive: true });
    writeFileSync(join(root, 'data', String(i), 'file.txt'), `file ${i}\n`);
  }
  const file = join(root, 'policy.yaml');
  writeFileSync(file, manyCategories(root, count));
  return file;
}
