// Retention of pre-restore snapshots: a fixed window, except the newest restore's snapshot. Pure.
import { describe, expect, it } from 'vitest';
import { selectPreRestore } from '../../../src/retention/select-pre-restore.js';

describe('selectPreRestore', () => {
  const now = new Date('2026-11-21T00:00:00Z');
  const week = 7 * 86_400_000;
  it('keeps the newest snapshot always, others for the window, and says why', () => {
    const decisions = selectPreRestore(
      [
        { id: 'a', time: new Date('2026-11-01T00:00:00Z') },
        { id: 'b', time: new Date('2026-11-18T00:00:00Z') },
        { id: 'c', time: new Date('2026-11-19T00:00:00Z'), restoreOf: 'B1' },
      ],
      week,
      now,
    );
    expect(decisions.map((d) => [d.id, d.keep])).toEqual([['c', true], ['b', true], ['a', false]]);
    expect(decisions[0]!.reasons[0]).toMatch(/^protected: the only way back from the newest restore of backup B1/);
    expect(decisions[1]!.reasons[0]).toBe('pre-restore snapshot, kept for 7d (until 2026-11-25T00:00:00.000Z)');
    expect(decisions[2]!.keep).toBe(false);
  });

  it('keeps a single old snapshot: it is the only way back', () => {
    expect(selectPreRestore([{ id: 'a', time: new Date('2020-01-01T00:00:00Z') }], week, now)[0]!.keep).toBe(true);
  });
});
