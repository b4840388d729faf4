// Retention with chains (issue 12): property tests for the invariants the issue names, over random histories of
// fulls and incrementals, random keep rules and random missing links.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Keep } from '../../../src/generated/policy.js';
import { selectChainedRetention, type ChainedBackup } from '../../../src/retention/select-chained-retention.js';
import { selectRetention } from '../../../src/retention/select-retention.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-01-01T00:00:00Z');

/** A history: each step is a full or an incremental on top of the previous backup, hours apart. */
function history(steps: { full: boolean; gapHours: number }[]): ChainedBackup[] {
  const out: ChainedBackup[] = [];
  let t = START;
  steps.forEach((step, i) => {
    t += step.gapHours * HOUR;
    const id = `b${String(i).padStart(3, '0')}`;
    const previous = out[out.length - 1];
    out.push({ id, time: new Date(t), ...(step.full || !previous ? {} : { parent: previous.id, root: previous.root ?? previous.id }) });
  });
  return out;
}

const stepsArb = fc.array(fc.record({ full: fc.boolean(), gapHours: fc.integer({ min: 1, max: 30 }) }), { minLength: 1, maxLength: 60 });
const keepArb: fc.Arbitrary<Keep> = fc.record(
  { last: fc.integer({ min: 1, max: 5 }), hourly: fc.integer({ min: 1, max: 24 }), daily: fc.integer({ min: 1, max: 7 }), weekly: fc.integer({ min: 1, max: 4 }) },
  { requiredKeys: [] },
);

function chainOf(id: string, byId: Map<string, ChainedBackup>): string[] {
  const out: string[] = [];
  for (let p = byId.get(id)?.parent; p !== undefined; p = byId.get(p)?.parent) out.push(p);
  return out;
}

describe('selectChainedRetention', () => {
  it('never prunes a link that a kept backup needs, and keeps the newest backup with its whole chain', () => {
    fc.assert(
      fc.property(stepsArb, keepArb, (steps, keep) => {
        const backups = history(steps);
        const byId = new Map(backups.map((b) => [b.id, b]));
        const { decisions, broken } = selectChainedRetention(backups, keep);
        expect(broken).toEqual([]);
        expect(decisions).toHaveLength(backups.length);
        const kept = new Set(decisions.filter((d) => d.keep).map((d) => d.id));
        for (const id of kept) for (const link of chainOf(id, byId)) expect(kept.has(link), `${link} needed by ${id}`).toBe(true);
        const newest = backups[backups.length - 1]!;
        expect(kept.has(newest.id)).toBe(true);
        for (const d of decisions) expect(d.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps exactly what plain GFS keeps when every backup is a full', () => {
    fc.assert(
      fc.property(stepsArb, keepArb, (steps, keep) => {
        const fulls = history(steps.map((s) => ({ ...s, full: true })));
        const chained = selectChainedRetention(fulls, keep).decisions.map((d) => [d.id, d.keep]);
        const plain = selectRetention(fulls, keep).map((d) => [d.id, d.keep]);
        expect(chained).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a broken chain, never counts it as a restore point, and prunes none of its present links', () => {
    fc.assert(
      fc.property(stepsArb, keepArb, fc.nat(), (steps, keep, pick) => {
        const all = history(steps);
        const incrementals = all.filter((b) => b.parent !== undefined);
        fc.pre(incrementals.length > 0);
        // Lose one link (the parent of some incremental) from every tier.
        const victim = incrementals[pick % incrementals.length]!;
        const lost = victim.parent!;
        const backups = all.filter((b) => b.id !== lost);
        const byId = new Map(all.map((b) => [b.id, b]));
        const { decisions, broken } = selectChainedRetention(backups, keep);
        const brokenIds = new Set(broken.map((b) => b.id));
        // Every backup whose chain runs through the lost link is broken, and names it.
        for (const b of backups) expect(brokenIds.has(b.id)).toBe(chainOf(b.id, byId).includes(lost));
        for (const b of broken) expect(b.missing).toBe(lost);
        const byDecision = new Map(decisions.map((d) => [d.id, d]));
        for (const id of brokenIds) {
          expect(byDecision.get(id)!.keep).toBe(true);
          expect(byDecision.get(id)!.reasons[0]).toMatch(/^protected: broken chain/);
          for (const link of chainOf(id, byId)) if (link !== lost && byDecision.has(link)) expect(byDecision.get(link)!.keep).toBe(true);
        }
        // The newest restorable backup is kept with its chain (the broken ones are not restore points).
        const newestRestorable = [...backups].reverse().find((b) => !brokenIds.has(b.id));
        if (newestRestorable) expect(byDecision.get(newestRestorable.id)!.keep).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('says which restore point needs a link', () => {
    // full, inc, inc (newest): keep last 1 → the chain is kept for the newest.
    const backups = history([
      { full: true, gapHours: 1 },
      { full: false, gapHours: 1 },
      { full: false, gapHours: 1 },
    ]);
    const { decisions } = selectChainedRetention(backups, { last: 1 });
    expect(decisions.map((d) => [d.id, d.keep, d.reasons[0]])).toEqual([
      ['b002', true, 'protected: newest good backup'],
      ['b001', true, 'chain: needed to restore b002'],
      ['b000', true, 'chain: needed to restore b002'],
    ]);
  });
});
