// RTO at review time: a warning, with the numbers, when no copy can be read back within the RTO, from the
// storage class's documented retrieval time and, when the state dir has one, the measured restore time.
import { describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/policy/load-policies.js';
import type { RestoreMeasurement } from '../../../src/policy/rules/index.js';

function policy(rto: string, tiers: string, copies: string): string {
  return `version: 1
system: shop
sources:
  uploads: { type: files, paths: [/srv/uploads] }
tiers:
${tiers}
categories:
  orders:
    rpo: 24h
    rto: ${rto}
    data: [ { source: uploads } ]
    schedule: { full: "0 2 * * *" }
    copies:
${copies}
`;
}

const LOCAL_AND_S3 = policy(
  '10m',
  '  hot: { storage: { type: local, path: /var/backups/strata } }\n  offsite: { storage: { type: s3, bucket: shop-backups } }',
  '      - { tier: hot, keep: { daily: 7 } }\n      - { tier: offsite, keep: { daily: 30 } }',
);

function rtoWarnings(text: string, measured?: RestoreMeasurement) {
  const { diagnostics } = loadPolicyText('/policies/shop.yaml', text, measured ? { measuredRestores: (s, c) => (s === 'shop' && c === 'orders' ? measured : undefined) } : {});
  expect(diagnostics.filter((d) => d.severity === 'error'), 'the policy itself is valid').toEqual([]);
  return diagnostics.filter((d) => d.code === 'rto-unreachable');
}

describe('rto-unreachable', () => {
  it('warns when every copy sits in an archive class, with the documented retrieval times', () => {
    const [d, ...rest] = rtoWarnings(
      policy('1h', '  cold: { storage: { type: s3, bucket: shop-c }, storage_class: GLACIER }\n  vault: { storage: { type: s3, bucket: shop-v }, storage_class: DEEP_ARCHIVE }', '      - { tier: cold, keep: { monthly: 12 } }\n      - { tier: vault, keep: { yearly: 7 } }'),
    );
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'warning', path: '/categories/orders/rto', line: 11, col: 10 });
    expect(d!.message).toBe(
      'category `orders`: no copy can be read back within rto 1h: the fastest takes about 5h: tier `cold` (GLACIER: Standard retrieval typically takes 3–5 h), tier `vault` (DEEP_ARCHIVE: Standard retrieval typically takes up to 12 h)',
    );
    // Expedited (1–5 min) could meet an hour: the hint names it.
    expect(d!.hint).toContain('GLACIER offers Expedited retrieval (1–5 min');
  });

  it('does not suggest Expedited retrieval when even that is too slow', () => {
    const [d] = rtoWarnings(policy('1m', '  cold: { storage: { type: s3, bucket: shop-c }, storage_class: GLACIER }\n  far: { storage: { type: s3, bucket: shop-f }, storage_class: GLACIER }', '      - { tier: cold, keep: { daily: 7 } }\n      - { tier: far, keep: { monthly: 12 } }'));
    expect(d!.hint).not.toContain('Expedited');
  });

  it('is quiet when one copy reads back at once (local, STANDARD, GLACIER_IR), or the RTO allows the wait', () => {
    expect(rtoWarnings(LOCAL_AND_S3)).toEqual([]);
    expect(rtoWarnings(policy('1m', '  a: { storage: { type: s3, bucket: shop-a }, storage_class: GLACIER_IR }\n  b: { storage: { type: s3, bucket: shop-b }, storage_class: DEEP_ARCHIVE }', '      - { tier: a, keep: { daily: 7 } }\n      - { tier: b, keep: { yearly: 7 } }'))).toEqual([]);
    expect(rtoWarnings(policy('5h', '  a: { storage: { type: s3, bucket: shop-a }, storage_class: GLACIER }\n  b: { storage: { type: s3, bucket: shop-b }, storage_class: DEEP_ARCHIVE }', '      - { tier: a, keep: { daily: 7 } }\n      - { tier: b, keep: { yearly: 7 } }'))).toEqual([]);
  });

  it('counts a measured restore: size ÷ measured throughput against the RTO', () => {
    const measured = { bytes: 12_000_000_000, durationMs: 25 * 60_000, tier: 'hot', at: '2026-11-20T04:00:00.000Z' };
    const [d, ...rest] = rtoWarnings(LOCAL_AND_S3, measured);
    expect(rest).toEqual([]);
    expect(d!.message).toBe(
      'category `orders`: no copy can be read back within rto 10m: the fastest takes about 25m (measured restore of 12.0 GB in 25m, 2026-11-20, from tier `hot`): tier `hot` (local; then 12.0 GB at the measured 8.00 MB/s take 25m), tier `offsite` (STANDARD; then 12.0 GB at the measured 8.00 MB/s take 25m)',
    );
    expect(d!.hint).toContain('raise rto to at least 25m');
    // A measurement within the RTO, or none at all: no warning.
    expect(rtoWarnings(LOCAL_AND_S3, { ...measured, durationMs: 4 * 60_000 })).toEqual([]);
    expect(rtoWarnings(LOCAL_AND_S3)).toEqual([]);
  });

  it('adds the retrieval wait to the measured time', () => {
    const text = policy('6h', '  cold: { storage: { type: s3, bucket: shop-c }, storage_class: GLACIER }\n  far: { storage: { type: s3, bucket: shop-f }, storage_class: DEEP_ARCHIVE }', '      - { tier: cold, keep: { daily: 7 } }\n      - { tier: far, keep: { monthly: 12 } }');
    expect(rtoWarnings(text)).toEqual([]); // 5 h ≤ 6 h
    const [d] = rtoWarnings(text, { bytes: 500_000_000_000, durationMs: 2 * 3_600_000, at: '2026-11-20T04:00:00.000Z' });
    expect(d!.message).toContain('the fastest takes about 7h');
  });
});
