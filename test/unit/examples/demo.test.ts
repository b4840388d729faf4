// The demo must run on a bare machine: no servers, no keys, everything under the repo.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StrataPolicy } from '../../../src/generated/policy.js';
import { policiesDir, repoRoot } from './example-policies.js';

const demo = parse(readFileSync(join(policiesDir, 'demo.yaml'), 'utf8')) as StrataPolicy;
const data = join(repoRoot, 'demo/data');

describe('demo policy', () => {
  it('needs no servers, no scheduler and no keys', () => {
    expect(demo.system).toBe('demo');
    expect(demo.scheduler).toEqual({ type: 'none' });
    expect(Object.values(demo.sources).map((s) => s.type)).toEqual(['files']);
    expect(Object.values(demo.tiers).map((t) => t.storage.type)).toEqual(['local', 'local']);
    expect(demo.defaults?.encryption).toBeUndefined();
    // gzip runs inside Node: no zstd binary needed on a fresh machine.
    expect(demo.defaults?.compression).toBe('gzip');
  });

  it('keeps every path relative, inside the repository', () => {
    const source = demo.sources.sample;
    expect(source?.type).toBe('files');
    const paths = source?.type === 'files' ? source.paths : [];
    expect(paths.map((p) => resolve(policiesDir, p))).toEqual([data]);
    const roots = Object.values(demo.tiers).map((t) => (t.storage.type === 'local' ? t.storage.path : ''));
    roots.push(demo.render?.dir ?? '');
    for (const p of roots) {
      expect(isAbsolute(p), p).toBe(false);
      expect(resolve(policiesDir, p).startsWith(join(repoRoot, '.strata-demo'))).toBe(true);
    }
  });

  it('marks its second local tier off-site', () => {
    expect(demo.tiers.offsite?.offsite).toBe(true);
    expect(demo.categories.documents?.copies.map((c) => c.tier)).toEqual(['hot', 'offsite']);
  });

  it('ships sample data with text, a nested folder, a binary and a symlink', () => {
    expect(readFileSync(join(data, 'README.txt'), 'utf8')).toContain('Strata demo');
    expect(lstatSync(join(data, 'notes/2026')).isDirectory()).toBe(true);
    const bin = readFileSync(join(data, 'assets/bytes.bin'));
    expect(bin.length).toBe(256);
    expect(bin.includes(0)).toBe(true);
    expect(lstatSync(join(data, 'latest-todo.txt')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(data, 'latest-todo.txt'))).toBe('notes/todo.txt');
    expect(lstatSync(join(data, 'notes/scratch.tmp')).isFile()).toBe(true); // excluded by the demo's glob
  });
});
