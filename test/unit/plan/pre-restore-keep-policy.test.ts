// `pre_restore_keep` (issue 8, item 1): a policy field in `defaults` and per category, validated by the schema.
import { describe, expect, it } from 'vitest';
import { preRestoreKeepMs } from '../../../src/model/policy-model.js';
import { loadPolicyText } from '../../../src/policy/load-policies.js';

const policy = (defaults: string, override: string) => `version: 1
system: shop
sources:
  uploads: { type: files, paths: [/srv/uploads] }
tiers:
  hot: { storage: { type: local, path: /var/backups } }
${defaults}
categories:
  orders:
    rpo: 24h
    rto: 1h
    data: [ { source: uploads } ]
    schedule: { full: "0 2 * * *" }
    copies: [ { tier: hot, keep: { daily: 7 } } ]
${override}
  invoices:
    rpo: 24h
    rto: 1h
    data: [ { source: uploads } ]
    schedule: { full: "0 2 * * *" }
    copies: [ { tier: hot, keep: { daily: 7 } } ]
`;

describe('pre_restore_keep', () => {
  it('defaults to 7d, is set in defaults, and a category overrides it', () => {
    const none = loadPolicyText('/p/shop.yaml', policy('', ''));
    expect(none.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(none.policy!.categories.map((c) => preRestoreKeepMs(c))).toEqual([7 * 86_400_000, 7 * 86_400_000]);

    const set = loadPolicyText('/p/shop.yaml', policy('defaults: { pre_restore_keep: 72h }', '    pre_restore_keep: 30d'));
    expect(set.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(Object.fromEntries(set.policy!.categories.map((c) => [c.name, c.preRestoreKeep]))).toEqual({ invoices: '72h', orders: '30d' });
  });

  it('must be a duration', () => {
    const bad = loadPolicyText('/p/shop.yaml', policy('defaults: { pre_restore_keep: a week }', ''));
    expect(bad.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'invalid-duration', path: '/defaults/pre_restore_keep', line: 7, message: '`defaults.pre_restore_keep` is not a duration: "a week"' }),
    ]);
  });
});
