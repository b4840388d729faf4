// Source positions of a parsed policy: duplicate keys found without the yaml library's quadratic check, and
// lookups by path that stay linear in the size of the policy however many diagnostics it has.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pair } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/policy/load-policies.js';
import { parseWellFormedYaml, parseYamlSource } from '../../../src/policy/yaml-source.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEMO = readFileSync(path.resolve(here, '../../../policies/demo.yaml'), 'utf8');

describe('duplicate keys', () => {
  const dups = (text: string) => parseYamlSource(text).errors.filter((e) => e.code === 'duplicate-key');

  it('reports each repeated key where it repeats, with the first one and the JSON pointer', () => {
    const text = ['a: 1', 'list:', '  - { x: 1, y: 2, x: 3 }', '  - name: n', '    name: m', 'a: 2', ''].join('\n');
    expect(dups(text).map((d) => [d.line, d.col, d.message, d.path])).toEqual([
      [3, 19, 'duplicate key `x`; it is already defined at line 3, col 7', '/list/0/x'],
      [5, 5, 'duplicate key `name`; it is already defined at line 4, col 5', '/list/1/name'],
      [6, 1, 'duplicate key `a`; it is already defined at line 1, col 1', '/a'],
    ]);
  });

  it('compares keys as the yaml library does: by scalar value, so 1 and "1" differ', () => {
    expect(dups('1: a\n"1": b\n')).toEqual([]);
    expect(dups('"k": a\nk: b\n')).toHaveLength(1);
  });

  it('reports a key repeated three times twice, each against the first', () => {
    expect(dups('k: 1\nk: 2\nk: 3\n').map((d) => `${d.line}: ${d.message}`)).toEqual([
      '2: duplicate key `k`; it is already defined at line 1, col 1',
      '3: duplicate key `k`; it is already defined at line 1, col 1',
    ]);
  });

  it('points at the first of two equal keys when locating a path, as before', () => {
    const { source } = parseYamlSource('tiers:\n  hot: 1\n  hot: 2\n');
    expect(source.locate(['tiers', 'hot'], 'key')).toMatchObject({ line: 2, col: 3 });
  });
});

/** The demo policy with `extra` more files sources that no category uses: one warning each. */
function demoWithSources(extra: number): string {
  const lines: string[] = [];
  for (let i = 0; i < extra; i++) lines.push(`  extra-${i}:`, '    type: files', `    paths: [/srv/data/${i}]`);
  return DEMO.replace('\nsources:\n', `\nsources:\n${lines.join('\n')}\n`);
}

// A work counter instead of a stopwatch, so the guard cannot flake on a busy machine: every read of a
// mapping pair's key (by the yaml library while parsing, by the duplicate check, by each lookup of a
// diagnostic's position) is counted. Quadratic code reads keys per key; linear code a bounded number of times.
describe('validate does linear work in the size of the policy', () => {
  const KEY = Symbol('key');
  afterEach(() => {
    delete (Pair.prototype as unknown as Record<string, unknown>).key;
  });

  function keyReads(text: string): { reads: number; warnings: number } {
    let reads = 0;
    Object.defineProperty(Pair.prototype, 'key', {
      configurable: true,
      get(this: Record<symbol, unknown>) {
        reads++;
        return this[KEY];
      },
      set(this: Record<symbol, unknown>, value: unknown) {
        this[KEY] = value;
      },
    });
    try {
      const { diagnostics } = loadPolicyText('/policies/demo.yaml', text);
      return { reads, warnings: diagnostics.filter((d) => d.code === 'unused-source').length };
    } finally {
      delete (Pair.prototype as unknown as Record<string, unknown>).key;
    }
  }

  it('reads mapping keys a bounded number of times per source, for 500 and for 4000 sources', () => {
    const small = keyReads(demoWithSources(500));
    const large = keyReads(demoWithSources(4000));
    expect([small.warnings, large.warnings]).toEqual([500, 4000]);
    expect(small.reads).toBeGreaterThan(500); // the counter sees the work
    // 8 × the sources: linear work grows about 8 ×, quadratic work (each key against every key) about 64 ×.
    expect(large.reads / small.reads).toBeLessThan(10);
    expect(large.reads / 4000).toBeLessThan(60);
  });
});

describe('the fast path (js-yaml) reads every policy as the position-keeping document does', () => {
  const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const files = [
    ...readdirSync(path.join(repo, 'policies')).map((f) => path.join(repo, 'policies', f)),
    ...['good', 'bad', 'duplicate-system'].flatMap((dir) => readdirSync(path.join(repo, 'test/fixtures/policies', dir)).map((f) => path.join(repo, 'test/fixtures/policies', dir, f))),
  ].filter((f) => /\.ya?ml$/.test(f));

  it.each(files.map((f) => [path.relative(repo, f), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const fast = parseWellFormedYaml(text);
    const { source, errors } = parseYamlSource(text);
    if (!fast) {
      // Refused by js-yaml: the full path must have found the reason (a syntax error, a duplicate key, …).
      expect(errors.length + source.doc.errors.length).toBeGreaterThan(0);
      return;
    }
    expect(errors).toEqual([]);
    expect(fast.data).toEqual(source.doc.toJS({ maxAliasCount: 1000 }));
    // Positions come from the yaml document, built on first use.
    expect(fast.source.locate([], 'value')).toEqual(source.locate([], 'value'));
  });

  it('keeps YAML 1.2 core scalars: no timestamps, no merge keys, no yes/no booleans', () => {
    const text = 'a: 2026-11-20\nb: yes\nc: 0o17\nd: 0x1f\ne: ~\nbase: &b { x: 1 }\nm: { <<: *b }\n';
    expect(parseWellFormedYaml(text)?.data).toEqual(parseYamlSource(text).source.doc.toJS());
  });
});
