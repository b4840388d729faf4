import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, isDuration, parseDuration } from '../../../src/model/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1d12h', 129_600_000],
    ['0s', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(isDuration(text)).toBe(true);
  });

  it.each(['', '5', 'm', '5 m', '5min', '-5m', '1.5h', '5M', ' 5m', '5m ', '1y'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
    expect(isDuration(text)).toBe(false);
  });

  it('names the bad input and the expected form', () => {
    expect(() => parseDuration('5 minutes')).toThrow('invalid duration "5 minutes": write a number and a unit (s, m, h, d, w), e.g. 90s, 5m, 1h30m, 7d');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [300_000, '5m'],
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [86_400_000, '1d'],
    [183_600_000, '2d 3h'],
    [95_400_000, '1d 2h30m'],
    [1500, '1s500ms'],
    [-300_000, '-5m'],
    [Number.POSITIVE_INFINITY, 'forever'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips every whole-second duration through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400 }), (seconds) => {
        const text = formatDuration(seconds * 1000);
        expect(parseDuration(text.replace(/ /g, ''))).toBe(seconds * 1000);
      }),
    );
  });
});
