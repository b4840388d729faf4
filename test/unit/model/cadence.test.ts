import { describe, expect, it } from 'vitest';
import { cadenceIntervalMs } from '../../../src/model/cadence.js';
import { supportsIncremental } from '../../../src/model/capabilities.js';

const H = 3_600_000;
const D = 24 * H;

describe('cadenceIntervalMs', () => {
  it.each([
    ['hourly', H],
    ['daily', D],
    ['weekly', 7 * D],
    ['monthly', 30 * D],
    ['quarterly', 91 * D],
    ['yearly', 365 * D],
    ['14d', 14 * D],
    ['2w', 14 * D],
    ['every-backup', 'every-backup'],
    ['never', 'never'],
  ])('%s → %s', (cadence, expected) => {
    expect(cadenceIntervalMs(cadence)).toBe(expected);
  });

  it('rejects unknown cadences with the allowed forms', () => {
    expect(() => cadenceIntervalMs('fortnightly')).toThrow(/invalid cadence "fortnightly": use every-backup, hourly/);
  });
});

describe('supportsIncremental', () => {
  it('is false for every engine today', () => {
    for (const t of ['files', 'redis', 'postgres', 'mongodb'] as const) expect(supportsIncremental(t)).toBe(false);
  });
});
