import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicies, loadPolicyText, resolvePolicyInputs } from '../../../src/policy/load-policies.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../fixtures/policies');
const MINIMAL = readFileSync(path.join(FIXTURES, 'good/minimal.yaml'), 'utf8');
const tmp = mkdtempSync(path.join(tmpdir(), 'strata-policy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('resolvePolicyInputs', () => {
  it('prefers --policies, then STRATA_POLICIES, then ./policies', () => {
    expect(resolvePolicyInputs(['a.yaml', '/abs/dir'], { STRATA_POLICIES: '/env' }, '/repo')).toEqual(['/repo/a.yaml', '/abs/dir']);
    expect(resolvePolicyInputs([], { STRATA_POLICIES: '/env/one:rel/two::' }, '/repo')).toEqual(['/env/one', '/repo/rel/two']);
    expect(resolvePolicyInputs(undefined, {}, '/repo')).toEqual(['/repo/policies']);
    expect(resolvePolicyInputs(undefined, { STRATA_POLICIES: '' }, '/repo')).toEqual(['/repo/policies']);
  });
});

describe('loadPolicyText', () => {
  it('applies defaults', () => {
    const { policy, diagnostics } = loadPolicyText('/etc/strata/policies/shop.yaml', MINIMAL);
    expect(diagnostics).toEqual([]);
    expect(policy?.file).toBe('/etc/strata/policies/shop.yaml');
    expect(policy?.scheduler).toEqual({ type: 'none', strataBin: '/usr/local/bin/strata', policyPath: '/etc/strata/policies/shop.yaml' });
    const cat = policy!.categories[0]!;
    expect(cat).toMatchObject({
      name: 'orders',
      rpoMs: 86_400_000,
      rtoMs: 3_600_000,
      schedule: { full: '0 2 * * *', timezone: 'UTC' },
      verify: { checksum: 'every-backup', restoreTest: 'weekly', drill: 'never' },
      compression: 'zstd',
      compressionLevel: 3,
      recipients: [],
      data: [{ source: 'uploads', sourceType: 'files' }],
    });
    expect(policy!.tiers.hot!.offsite).toBe(false);
    expect(policy!.tiers.offsite!.offsite).toBe(true);
  });

  it('resolves relative paths against the policy file and sorts categories', () => {
    const text = `
version: 1
system: rel
scheduler: { type: cron, file: ../cron.d/strata-rel }
render: { dir: ../runbooks }
sources:
  files: { type: files, paths: [data, /abs, "\${env:DATA_DIR}"] }
tiers:
  hot: { storage: { type: local, path: ./backups } }
  far: { storage: { type: local, path: /mnt/nas }, offsite: true }
defaults:
  encryption: { age_recipients: [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p] }
categories:
  zeta:
    rpo: 1d
    rto: 1h
    data: [{ source: files }]
    schedule: { full: "0 3 * * *" }
    copies: [{ tier: hot, keep: { daily: 7 } }, { tier: far, keep: { weekly: 4 } }]
  alpha:
    rpo: 1d
    rto: 1h
    data: [{ source: files }]
    schedule: { full: "0 4 * * *" }
    copies: [{ tier: hot, keep: { daily: 7 } }, { tier: far, keep: { weekly: 4 } }]
    encryption: { age_recipients: [] }
`;
    const { policy, diagnostics } = loadPolicyText('/srv/repo/policies/rel.yaml', text);
    expect(diagnostics).toEqual([]);
    expect(policy!.scheduler).toEqual({
      type: 'cron',
      target: '/srv/repo/cron.d/strata-rel',
      strataBin: '/usr/local/bin/strata',
      policyPath: '/srv/repo/policies/rel.yaml',
      user: 'root',
    });
    expect(policy!.renderDir).toBe('/srv/repo/runbooks');
    expect(policy!.sources.files).toEqual({ type: 'files', paths: ['/srv/repo/policies/data', '/abs', '${env:DATA_DIR}'] });
    expect(policy!.tiers.hot!.storage).toEqual({ type: 'local', path: '/srv/repo/policies/backups' });
    expect(policy!.categories.map((c) => c.name)).toEqual(['alpha', 'zeta']);
    expect(policy!.categories[0]!.recipients).toEqual([]);
    expect(policy!.categories[1]!.recipients).toEqual(['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p']);
  });

  it('fills systemd defaults and honours policy_path', () => {
    const text = MINIMAL.replace('sources:', 'scheduler: { type: systemd, unit_dir: units, policy_path: /etc/strata/policies }\nsources:');
    const { policy } = loadPolicyText('/repo/p/shop.yaml', text);
    expect(policy!.scheduler).toEqual({
      type: 'systemd',
      target: '/repo/p/units',
      strataBin: '/usr/local/bin/strata',
      policyPath: '/etc/strata/policies',
      environmentFile: '/etc/strata/strata.env',
    });
  });

  it('never resolves secrets while validating', () => {
    const text = MINIMAL.replace('{ type: files, paths: [/srv/uploads] }', '{ type: files, paths: [/srv/uploads] }\n  db: { type: postgres, url: "${env:NOT_SET_ANYWHERE}" }').replace(
      '      - source: uploads\n',
      '      - source: uploads\n      - source: db\n',
    );
    const { policy, diagnostics } = loadPolicyText('/repo/shop.yaml', text);
    expect(diagnostics).toEqual([]);
    expect(policy!.sources.db).toEqual({ type: 'postgres', url: '${env:NOT_SET_ANYWHERE}' });
  });

  it('reports several missing properties of one mapping once, at its key', () => {
    const text = MINIMAL.replace('categories:\n', 'categories:\n  stub:\n    rpo: 1h\n');
    const { diagnostics } = loadPolicyText('/repo/shop.yaml', text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: 'missing-property',
      line: 11,
      col: 3,
      message: 'category `stub` is missing required properties `rto`, `data`, `schedule`, `copies`',
      path: '/categories/stub',
    });
    expect(diagnostics[0]!.hint).toContain('`rto` (e.g. `rto: 4h`)');
  });

  it('reports several problems of one file in position order', () => {
    const text = MINIMAL.replace('rpo: 24h', 'rpo: 5m').replace('- tier: hot', '- tier: hott');
    const { policy, diagnostics } = loadPolicyText('/repo/shop.yaml', text);
    expect(policy).toBeUndefined();
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual(['12:10 rpo-breach', '19:15 unknown-tier']);
  });
});

describe('loadPolicies', () => {
  it('reads *.yaml and *.yml of a directory, sorted', async () => {
    const dir = path.join(tmp, 'dir');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'b.yml'), MINIMAL.replace('system: shop', 'system: bee'));
    writeFileSync(path.join(dir, 'a.yaml'), MINIMAL.replace('system: shop', 'system: ant'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a policy');
    const set = await loadPolicies([dir]);
    expect(set.files).toEqual([path.join(dir, 'a.yaml'), path.join(dir, 'b.yml')]);
    expect(set.policies.map((p) => p.system)).toEqual(['ant', 'bee']);
    expect(set.diagnostics).toEqual([]);
  });

  it('reports the same system in two files at both files', async () => {
    const set = await loadPolicies([path.join(FIXTURES, 'duplicate-system')]);
    expect(set.policies).toEqual([]);
    expect(set.diagnostics.map((d) => `${path.basename(d.file)} ${d.line}:${d.col} ${d.code}: ${d.message}`)).toEqual([
      'a.yaml 2:9 duplicate-system: system `shop` is also defined in b.yaml',
      'b.yaml 2:9 duplicate-system: system `shop` is also defined in a.yaml',
    ]);
  });

  it('keeps valid policies when another file is broken', async () => {
    const broken = path.join(tmp, 'broken.yaml');
    writeFileSync(broken, MINIMAL.replace('system: shop', 'system: broken').replace('rpo: 24h', 'rpo: 5m'));
    const set = await loadPolicies([path.join(FIXTURES, 'good/minimal.yaml'), broken]);
    expect(set.policies.map((p) => p.system)).toEqual(['shop']);
    expect(set.diagnostics.map((d) => d.code)).toEqual(['rpo-breach']);
  });

  it('reports missing inputs and empty directories', async () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    const set = await loadPolicies([path.join(tmp, 'nope'), empty]);
    expect(set.files).toEqual([]);
    expect(set.diagnostics.map((d) => d.code).sort()).toEqual(['no-policy-files', 'policy-not-found']);
  });
});
