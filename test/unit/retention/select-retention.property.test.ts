// Property-based invariants of retention (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Keep } from '../../../src/generated/policy.js';
import { BUCKET_RULES, bucketKey } from '../../../src/retention/bucket-keys.js';
import { selectRetention, type RetentionBackup } from '../../../src/retention/select-retention.js';

const START = Date.UTC(2024, 11, 20);
const MINUTES = 3 * 366 * 24 * 60;

// Clustered times: many backups share hours and days, some are years apart.
const backupsArb: fc.Arbitrary<RetentionBackup[]> = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: MINUTES }),
      fc.integer({ min: 0, max: 3 * 24 * 60 }).map((m) => MINUTES - m),
      fc.integer({ min: 0, max: 90 }).map((m) => MINUTES / 2 + m),
    ),
    { minLength: 1, maxLength: 60 },
  )
  .map((offsets) => offsets.map((m, i) => ({ id: `id-${i}`, time: new Date(START + m * 60_000) })));

const countArb = fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined });
const keepArb: fc.Arbitrary<Keep> = fc
  .record({ last: countArb, hourly: countArb, daily: countArb, weekly: countArb, monthly: countArb, yearly: countArb })
  .map((k) => Object.fromEntries(Object.entries(k).filter(([, v]) => v !== undefined)) as Keep);
const nonEmptyKeepArb = keepArb.filter((k) => Object.values(k).some((v) => typeof v === 'number' && v > 0));

const scenarioArb = fc
  .tuple(backupsArb, keepArb)
  .chain(([backups, keep]) =>
    fc
      .subarray(backups.map((b) => b.id), { maxLength: Math.min(4, backups.length) })
      .map((ids) => ({ backups, keep, protect: ids.map((id) => ({ id, reason: 'newest verified backup' })) })),
  );

const newestId = (backups: RetentionBackup[]): string =>
  [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1))[0]!.id;

const sumCounts = (keep: Keep): number => Object.values(keep).reduce<number>((s, v) => s + (v ?? 0), 0);

describe('selectRetention invariants', () => {
  it('decides once per backup, newest first, and never keeps nothing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ backups, keep, protect }) => {
        const decisions = selectRetention(backups, keep, { protect });
        expect(decisions).toHaveLength(backups.length);
        expect(new Set(decisions.map((d) => d.id))).toEqual(new Set(backups.map((b) => b.id)));
        for (let i = 1; i < decisions.length; i++) {
          expect(decisions[i - 1]!.time.getTime()).toBeGreaterThanOrEqual(decisions[i]!.time.getTime());
        }
        expect(decisions.some((d) => d.keep)).toBe(true);
      }),
    );
  });

  it('never drops the newest backup or a protected one', () => {
    fc.assert(
      fc.property(scenarioArb, ({ backups, keep, protect }) => {
        const decisions = selectRetention(backups, keep, { protect });
        const byId = new Map(decisions.map((d) => [d.id, d]));
        const newest = byId.get(newestId(backups))!;
        expect(newest.keep).toBe(true);
        expect(newest.reasons).toContain('protected: newest good backup');
        for (const { id } of protect) {
          expect(byId.get(id)!.keep).toBe(true);
          expect(byId.get(id)!.reasons).toContain('protected: newest verified backup');
        }
      }),
    );
  });

  it('gives every decision, kept or dropped, at least one reason', () => {
    fc.assert(
      fc.property(scenarioArb, ({ backups, keep, protect }) => {
        for (const d of selectRetention(backups, keep, { protect })) {
          expect(d.reasons.length).toBeGreaterThan(0);
          for (const reason of d.reasons) expect(reason.trim()).not.toBe('');
          if (!d.keep) expect(d.reasons[0]).toMatch(/^not selected by /);
        }
      }),
    );
  });

  it('is idempotent: selecting again from the kept set keeps all of it', () => {
    fc.assert(
      fc.property(scenarioArb, ({ backups, keep, protect }) => {
        const kept = selectRetention(backups, keep, { protect }).filter((d) => d.keep);
        const keptIds = new Set(kept.map((d) => d.id));
        const again = selectRetention(
          kept.map(({ id, time }) => ({ id, time })),
          keep,
          { protect: protect.filter((p) => keptIds.has(p.id)) },
        );
        expect(again.every((d) => d.keep)).toBe(true);
      }),
    );
  });

  it('keeps at most the sum of the counts, plus protections, plus the newest', () => {
    fc.assert(
      fc.property(backupsArb, nonEmptyKeepArb, fc.integer({ min: 0, max: 3 }), (backups, keep, nProtect) => {
        const protect = backups.slice(-nProtect).map((b) => ({ id: b.id, reason: 'pinned' }));
        const kept = selectRetention(backups, keep, { protect }).filter((d) => d.keep);
        expect(kept.length).toBeLessThanOrEqual(sumCounts(keep) + protect.length + 1);
      }),
    );
  });

  it('selects exactly the newest backup of each of the first N buckets per rule', () => {
    fc.assert(
      fc.property(backupsArb, keepArb, (backups, keep) => {
        const decisions = selectRetention(backups, keep);
        for (const rule of BUCKET_RULES) {
          const count = keep[rule] ?? 0;
          // Declarative restatement: group by bucket, newest bucket first; the first `count` buckets each
          // contribute their newest backup.
          const expected = new Set<string>();
          const seen = new Set<string>();
          for (const d of decisions) {
            const key = bucketKey(rule, d.time);
            if (!seen.has(key)) {
              seen.add(key);
              if (seen.size <= count) expected.add(d.id);
            }
          }
          const actual = new Set(
            decisions.filter((d) => d.reasons.some((r) => r.startsWith(`newest ${rule} for `))).map((d) => d.id),
          );
          expect(actual).toEqual(expected);
          const oldest = decisions.at(-1)!;
          const oldestByRule = oldest.reasons.includes(`oldest backup, ${rule} count not used up`);
          expect(oldestByRule).toBe(count > 0 && seen.size < count && !expected.has(oldest.id));
        }
      }),
    );
  });
});
