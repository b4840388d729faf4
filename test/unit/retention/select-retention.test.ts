// Example-based retention tests. Expected kept sets come from real `restic forget --dry-run --json` runs
// (restic 0.14, TZ=UTC); where restic >= 0.16 (PR #4366) also keeps the oldest backup while a count remains,
// the expectation says so.
import { describe, expect, it } from 'vitest';
import { selectRetention, type RetentionBackup } from '../../../src/retention/select-retention.js';
import { bucketKey, isoWeek } from '../../../src/retention/bucket-keys.js';

const backupsAt = (times: string[]): RetentionBackup[] =>
  times.map((t, i) => ({ id: `b${String(i).padStart(2, '0')}`, time: new Date(t) }));

const keptTimes = (decisions: ReturnType<typeof selectRetention>): string[] =>
  decisions.filter((d) => d.keep).map((d) => d.time.toISOString().slice(0, 16));

// Every 7 hours from 2026-11-01T00:00Z, 40 backups: crosses days, ISO weeks and hours.
const everySevenHours = Array.from({ length: 40 }, (_, i) =>
  new Date(Date.UTC(2026, 10, 1) + i * 7 * 3_600_000).toISOString(),
);

const irregular = [
  '2024-12-31T23:59:00Z', '2025-01-01T00:01:00Z', '2025-03-15T10:00:00Z', '2025-03-15T11:00:00Z',
  '2025-06-30T12:00:00Z', '2025-12-29T08:00:00Z', '2026-01-04T08:00:00Z', '2026-01-05T08:00:00Z',
  '2026-02-01T00:00:00Z', '2026-02-28T23:00:00Z', '2026-03-01T01:00:00Z', '2026-11-20T14:00:00Z',
  '2026-11-20T15:30:00Z', '2026-11-21T09:00:00Z',
];

const twoADay = [
  '2026-11-18T01:00:00Z', '2026-11-18T13:00:00Z', '2026-11-19T01:00:00Z',
  '2026-11-19T13:00:00Z', '2026-11-20T01:00:00Z', '2026-11-20T13:00:00Z',
];

describe('bucket keys', () => {
  it('uses ISO weeks, including the year boundary', () => {
    expect(isoWeek(new Date('2026-01-01T00:00:00Z'))).toEqual({ year: 2026, week: 1 });
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toEqual({ year: 2026, week: 53 });
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toEqual({ year: 2025, week: 1 });
    expect(isoWeek(new Date('2026-01-04T23:59:59Z'))).toEqual({ year: 2026, week: 1 });
    expect(isoWeek(new Date('2026-01-05T00:00:00Z'))).toEqual({ year: 2026, week: 2 });
    expect(bucketKey('weekly', new Date('2026-11-20T10:00:00Z'))).toBe('2026-W47');
  });

  it('formats every rule in UTC', () => {
    const t = new Date('2026-11-20T23:30:00-05:00'); // 2026-11-21T04:30Z
    expect(bucketKey('hourly', t)).toBe('2026-11-21 04:00');
    expect(bucketKey('daily', t)).toBe('2026-11-21');
    expect(bucketKey('monthly', t)).toBe('2026-11');
    expect(bucketKey('yearly', t)).toBe('2026');
  });
});

describe('selectRetention matches restic forget', () => {
  it('last 2, hourly 4, daily 3, weekly 2', () => {
    const decisions = selectRetention(backupsAt(everySevenHours), { last: 2, hourly: 4, daily: 3, weekly: 2 });
    expect(keptTimes(decisions)).toEqual([
      '2026-11-12T09:00', '2026-11-12T02:00', '2026-11-11T19:00',
      '2026-11-11T12:00', '2026-11-10T22:00', '2026-11-08T21:00',
    ]);
    expect(decisions[0]?.reasons).toEqual([
      'protected: newest good backup',
      'last 2 (#1)',
      'newest hourly for 2026-11-12 09:00',
      'newest daily for 2026-11-12',
      'newest weekly for 2026-W46',
    ]);
    expect(decisions.find((d) => d.time.toISOString() === '2026-11-08T21:00:00.000Z')?.reasons).toEqual([
      'newest weekly for 2026-W45',
    ]);
  });

  it('daily 3, monthly 6, yearly 3 over irregular times', () => {
    const decisions = selectRetention(backupsAt(irregular), { daily: 3, monthly: 6, yearly: 3 });
    expect(keptTimes(decisions)).toEqual([
      '2026-11-21T09:00', '2026-11-20T15:30', '2026-03-01T01:00', '2026-02-28T23:00',
      '2026-01-05T08:00', '2025-12-29T08:00', '2025-06-30T12:00', '2024-12-31T23:59',
    ]);
  });

  it('weekly 4 across an ISO year boundary', () => {
    const decisions = selectRetention(backupsAt(irregular), { weekly: 4 });
    expect(keptTimes(decisions)).toEqual(['2026-11-21T09:00', '2026-03-01T01:00', '2026-02-01T00:00', '2026-01-05T08:00']);
  });

  it('keeps the oldest backup while the daily count is not used up (restic >= 0.16)', () => {
    const decisions = selectRetention(backupsAt(twoADay), { daily: 10 });
    // restic 0.14 keeps the three 13:00 backups; 0.16 adds the oldest one.
    expect(keptTimes(decisions)).toEqual(['2026-11-20T13:00', '2026-11-19T13:00', '2026-11-18T13:00', '2026-11-18T01:00']);
    expect(decisions.at(-1)?.reasons).toEqual(['oldest backup, daily count not used up']);
    expect(decisions[1]).toMatchObject({
      keep: false,
      reasons: ['not selected by daily: 10', 'superseded by newer backup in 2026-11-20 (daily)'],
    });
  });

  it('keeps only the newest and the oldest of one month for monthly 5', () => {
    const decisions = selectRetention(backupsAt(everySevenHours), { monthly: 5 });
    expect(keptTimes(decisions)).toEqual(['2026-11-12T09:00', '2026-11-01T00:00']);
  });

  it('says which counts were used up', () => {
    const decisions = selectRetention(backupsAt(twoADay), { last: 1, daily: 1 });
    expect(keptTimes(decisions)).toEqual(['2026-11-20T13:00']);
    expect(decisions[2]?.reasons).toEqual([
      'not selected by last: 1, daily: 1',
      'last: all 1 used by newer backups',
      'daily: all 1 used by newer backups',
    ]);
  });
});

describe('selectRetention protections', () => {
  it('always keeps the newest backup, even when no rule selects it', () => {
    // Three backups in one hour with hourly: 1 — restic would keep the newest anyway; make sure the
    // protection reason is present and nothing else is kept.
    const decisions = selectRetention(
      backupsAt(['2026-11-20T10:00:00Z', '2026-11-20T10:10:00Z', '2026-11-20T10:20:00Z']),
      { hourly: 1 },
    );
    expect(decisions.map((d) => d.keep)).toEqual([true, false, false]);
    expect(decisions[0]?.reasons[0]).toBe('protected: newest good backup');
  });

  it('keeps protected ids with their reason', () => {
    const decisions = selectRetention(backupsAt(twoADay), { last: 1 }, {
      protect: [
        { id: 'b01', reason: 'newest verified backup' },
        { id: 'b01', reason: 'newest verified backup' },
        { id: 'missing', reason: 'ignored' },
      ],
    });
    const verified = decisions.find((d) => d.id === 'b01');
    expect(verified).toMatchObject({ keep: true, reasons: ['protected: newest verified backup'] });
    expect(decisions.filter((d) => d.keep).map((d) => d.id)).toEqual(['b05', 'b01']);
  });

  it('keeps everything for an empty policy, as restic does', () => {
    const decisions = selectRetention(backupsAt(twoADay), { daily: 0 });
    expect(decisions.every((d) => d.keep)).toBe(true);
    expect(decisions[3]?.reasons).toEqual(['keep policy is empty: keeping everything']);
  });

  it('returns nothing for no backups and orders ties deterministically', () => {
    expect(selectRetention([], { daily: 1 })).toEqual([]);
    const t = new Date('2026-11-20T10:00:00Z');
    const a = selectRetention([{ id: 'a', time: t }, { id: 'b', time: t }], { last: 1 });
    const b = selectRetention([{ id: 'b', time: t }, { id: 'a', time: t }], { last: 1 });
    expect(a).toEqual(b);
    expect(a.map((d) => d.id)).toEqual(['b', 'a']);
  });

  it('rejects invalid times', () => {
    expect(() => selectRetention([{ id: 'x', time: new Date('nope') }], { last: 1 })).toThrow(/invalid time/);
  });
});
