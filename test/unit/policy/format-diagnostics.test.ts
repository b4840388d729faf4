import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/policy/diagnostic.js';
import { escapeGithubData, escapeGithubProperty, formatDiagnostics } from '../../../src/policy/format-diagnostics.js';
import { loadPolicyText } from '../../../src/policy/load-policies.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../../..');
const BAD = path.join(REPO, 'test/fixtures/policies/bad');

function diagnosticsOf(name: string): Diagnostic[] {
  const file = path.join(BAD, name);
  return loadPolicyText(file, readFileSync(file, 'utf8')).diagnostics;
}

const opts = { cwd: REPO };

describe('text format', () => {
  it('shows the message, the place, a code frame and a hint', () => {
    expect(formatDiagnostics(diagnosticsOf('rpo-breach.yaml'), 'text', opts)).toMatchInlineSnapshot(`
      "Error: category \`orders\`: schedule leaves a gap of 1d (between 02:00 and 02:00 next day) but rpo is 5m

        on test/fixtures/policies/bad/rpo-breach.yaml:12:10 (rpo-breach):
          10 | categories:
          11 |   orders:
        > 12 |     rpo: 5m
             |          ^^
          13 |     rto: 1h

        hint: run schedule.full at least every 5m, or raise rpo to at least 1d

      1 error, 0 warnings.
      "
    `);
  });

  it('renders warnings and errors of several files in order', () => {
    const diags = [...diagnosticsOf('unused-tier.yaml'), ...diagnosticsOf('unknown-property.yaml')];
    expect(formatDiagnostics(diags, 'text', opts)).toMatchInlineSnapshot(`
      "Error: unknown property \`pathz\` in files source \`uploads\`; did you mean \`paths\`?

        on test/fixtures/policies/bad/unknown-property.yaml:4:27 (unknown-property):
          2 | system: shop
          3 | sources:
        > 4 |   uploads: { type: files, pathz: [/srv/uploads] }
            |                           ^^^^^
          5 | tiers:

        hint: allowed properties here: type, paths, exclude

      Warning: tier \`archive\` is not used by any category's copies

        on test/fixtures/policies/bad/unused-tier.yaml:10:3 (unused-tier):
           8 |   offsite:
           9 |     storage: { type: s3, bucket: shop-backups }
        > 10 |   archive:
             |   ^^^^^^^
          11 |     storage: { type: s3, bucket: shop-archive }

        hint: add \`- { tier: archive, keep: { daily: 7 } }\` to a category's copies, or remove the tier

      1 error, 1 warning.
      "
    `);
  });

  it('says when everything is valid', () => {
    expect(formatDiagnostics([], 'text', { ...opts, fileCount: 3 })).toBe('All 3 policy files are valid.\n');
    expect(formatDiagnostics([], 'text', opts)).toBe('No problems found.\n');
  });

  it('colours only when asked', () => {
    const diags = diagnosticsOf('rpo-breach.yaml');
    expect(formatDiagnostics(diags, 'text', opts)).not.toContain('\x1b[');
    expect(formatDiagnostics(diags, 'text', { ...opts, color: true })).toContain('\x1b[31m');
  });

  it('names the place as FILE:LINE:COL, which editors and terminals open, relative to the working directory', () => {
    const d: Diagnostic = { severity: 'error', code: 'x', message: 'm', file: '/repo/policies/shop.yaml', line: 25, col: 10 };
    const out = formatDiagnostics([d], 'text', { cwd: '/repo', readSource: () => undefined });
    expect(out).toContain('\n  on policies/shop.yaml:25:10 (x):\n');
    expect(out).toMatch(/(^|\s)policies\/shop\.yaml:25:10\b/);
    // Outside the working directory the path stays absolute, still FILE:LINE:COL.
    expect(formatDiagnostics([d], 'text', { cwd: '/elsewhere', readSource: () => undefined })).toContain('  on /repo/policies/shop.yaml:25:10 (x):');
  });

  it('works without the source text', () => {
    const out = formatDiagnostics(diagnosticsOf('rpo-breach.yaml'), 'text', { ...opts, readSource: () => undefined });
    expect(out).toContain('on test/fixtures/policies/bad/rpo-breach.yaml:12:10 (rpo-breach):\n\n  hint:');
  });
});

describe('json format', () => {
  it('is versioned and carries every field', () => {
    const doc = JSON.parse(formatDiagnostics([...diagnosticsOf('rpo-breach.yaml'), ...diagnosticsOf('unused-source.yaml')], 'json', opts));
    expect(doc).toEqual({
      format_version: 1,
      valid: false,
      error_count: 1,
      warning_count: 1,
      diagnostics: [
        {
          severity: 'error',
          code: 'rpo-breach',
          message: 'category `orders`: schedule leaves a gap of 1d (between 02:00 and 02:00 next day) but rpo is 5m',
          hint: 'run schedule.full at least every 5m, or raise rpo to at least 1d',
          file: 'test/fixtures/policies/bad/rpo-breach.yaml',
          line: 12,
          col: 10,
          end_line: 12,
          end_col: 12,
          path: '/categories/orders/rpo',
        },
        expect.objectContaining({ severity: 'warning', code: 'unused-source', file: 'test/fixtures/policies/bad/unused-source.yaml', line: 5, col: 3 }),
      ],
    });
  });

  it('is valid with warnings only', () => {
    const doc = JSON.parse(formatDiagnostics(diagnosticsOf('unused-source.yaml'), 'json', opts));
    expect(doc).toMatchObject({ valid: true, error_count: 0, warning_count: 1 });
  });
});

describe('github format', () => {
  it('prints workflow commands with positions, code as title and the hint', () => {
    const out = formatDiagnostics([...diagnosticsOf('unknown-tier.yaml'), ...diagnosticsOf('unused-source.yaml')], 'github', opts);
    expect(out.split('\n')).toEqual([
      '::error file=test/fixtures/policies/bad/unknown-tier.yaml,line=19,col=15,endLine=19,endColumn=19,title=unknown-tier::category `orders` keeps a copy in tier `hott`, which is not defined; did you mean `hot`? (define it under `tiers` or use one of: hot, offsite)',
      "::warning file=test/fixtures/policies/bad/unused-source.yaml,line=5,col=3,endLine=5,endColumn=7,title=unused-source::source `logs` is not used by any category, so it is never backed up (add `- source: logs` to a category's data, or remove the source)",
      '1 error, 1 warning.',
      '',
    ]);
  });

  it('escapes data and properties as GitHub requires', () => {
    expect(escapeGithubData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeGithubProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    const d: Diagnostic = { severity: 'error', code: 'x:y', message: 'line one\nline two 100%', file: '/r/dir,with:odd/p.yaml', line: 1, col: 2 };
    expect(formatDiagnostics([d], 'github', { cwd: '/r' }).split('\n')[0]).toBe('::error file=dir%2Cwith%3Aodd/p.yaml,line=1,col=2,title=x%3Ay::line one%0Aline two 100%25');
  });
});
