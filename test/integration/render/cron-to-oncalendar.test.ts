// Checks the cron → OnCalendar translation against the real `systemd-analyze calendar`: for each expression,
// systemd's next N elapses (union over the specs) must equal croner's next N runs.
import { Cron } from 'croner';
import { expect, it } from 'vitest';
import { cronToOnCalendar } from '../../../src/render/cron-to-oncalendar.js';
import { describeWithBinaries, requireBinary } from '../../helpers/services.js';
import { parseElapses, systemdElapses } from './systemd-calendar.js';

const N = 25;

const EXPRESSIONS = [
  '* * * * *', '*/5 * * * *', '*/7 * * * *', '0 * * * *', '0 2 * * *', '30 4 * * 1-5', '0 0 1 * *', '0 0 1 1 *',
  '15 */6 * * *', '0 9-17 * * mon-fri', '0 2 1,15 * *', '0 2 1,15 * 1', '0 0 13 * 5', '0 3 */2 * *',
  '0 3 1-10/3 * *', '0 0 * jan,jul *', '0 0 1 */3 *', '0 0 1 jan-nov/2 *', '0 12 * * 6,0', '0 12 * * 5-7',
  '0 12 * * 7', '0 12 * * sun', '0 12 * * sat-sun', '10-50/7 1-22/3 * * *', '59 23 31 12 *', '0 0 31 * *', '5,10,15 4,5 * * *',
  '*/15 2-3 * * 0', '0 0 * * */2', '0 0 */10 * 1', '0 6 ? * 1', '0 0 29 2 *', '0 0 29 2 1', '0 5 1-7 * 1',
  '45 23 * * 0-7', '0 0 * * 1-3,5', '@hourly', '@daily', '@weekly', '@monthly', '@yearly',
];

const BASES = [new Date('2026-11-18T07:46:13Z'), new Date('2027-12-30T22:59:41Z'), new Date('2028-02-27T11:11:11Z')];

const croneRuns = (expr: string, base: Date, timezone: string): Date[] =>
  new Cron(expr, { timezone, mode: '5-part' }).nextRuns(N, base);

async function unionOfSpecs(bin: string, specs: string[], base: Date): Promise<Date[]> {
  const lists = await Promise.all(specs.map((spec) => systemdElapses(bin, spec, base, N)));
  const all = [...new Set(lists.flat().map((d) => d.getTime()))].sort((a, b) => a - b);
  return all.slice(0, N).map((t) => new Date(t));
}

it('parses elapse lines in UTC and via "(in UTC)"', () => {
  const out = [
    'Normalized form: *-*-* 02:00:00 Europe/Berlin',
    '    Next elapse: Thu 2026-11-19 02:00:00 CET',
    '       (in UTC): Thu 2026-11-19 01:00:00 UTC',
    '       From now: 2 days ago',
    '       Iter. #2: Fri 2026-11-20 01:00:00 UTC',
  ].join('\n');
  expect(parseElapses(out).map((d) => d.toISOString())).toEqual(['2026-11-19T01:00:00.000Z', '2026-11-20T01:00:00.000Z']);
  expect(parseElapses('    Next elapse: never\n')).toEqual([]);
});

describeWithBinaries(['systemd-analyze'], 'cronToOnCalendar agrees with systemd-analyze calendar', () => {
  const bin = requireBinary('systemd-analyze') ?? 'systemd-analyze';

  it.each(EXPRESSIONS)('%s', async (expr) => {
    const specs = cronToOnCalendar(expr);
    for (const base of BASES) {
      const expected = croneRuns(expr, base, 'UTC').map((d) => d.toISOString());
      const actual = (await unionOfSpecs(bin, specs, base)).map((d) => d.toISOString());
      expect({ specs, base: base.toISOString(), runs: actual }).toEqual({ specs, base: base.toISOString(), runs: expected });
    }
  });

  it.each([
    ['30 2 * * *', 'Europe/Berlin', new Date('2026-06-10T00:00:00Z')],
    ['0 12 * * *', 'Europe/Berlin', new Date('2026-03-20T00:00:00Z')], // crosses the spring DST change
    ['0 9 * * 1-5', 'America/New_York', new Date('2026-10-25T00:00:00Z')], // crosses the autumn change
    ['0 0 1,15 * 1', 'Asia/Kolkata', new Date('2026-01-01T00:00:00Z')],
  ])('%s in %s', async (expr, timezone, base) => {
    const specs = cronToOnCalendar(expr, timezone);
    const expected = croneRuns(expr, base, timezone).map((d) => d.toISOString());
    const actual = (await unionOfSpecs(bin, specs, base)).map((d) => d.toISOString());
    expect(actual).toEqual(expected);
  });
});
