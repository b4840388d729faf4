import { describe, expect, it } from 'vitest';
import { cronToOnCalendar } from '../../../src/render/cron-to-oncalendar.js';

describe('cronToOnCalendar', () => {
  it.each([
    ['0 2 * * *', ['*-*-* 02:00:00 UTC']],
    ['*/5 * * * *', ['*-*-* *:00,05,10,15,20,25,30,35,40,45,50,55:00 UTC']],
    ['15 */6 * * *', ['*-*-* 00,06,12,18:15:00 UTC']],
    ['0 9-17 * * mon-fri', ['Mon..Fri *-*-* 09..17:00:00 UTC']],
    ['10-50/7 1-22/3 * * *', ['*-*-* 01,04,07,10,13,16,19,22:10,17,24,31,38,45:00 UTC']],
    ['0 0 */10 * *', ['*-*-01,11,21,31 00:00:00 UTC']],
    ['0 0 1 */3 *', ['*-01,04,07,10-01 00:00:00 UTC']],
    ['0 0 1 jan,JUL *', ['*-01,07-01 00:00:00 UTC']],
    ['0 12 * * 6,0,1', ['Mon,Sat,Sun *-*-* 12:00:00 UTC']],
    ['0 12 * * 5-7', ['Fri..Sun *-*-* 12:00:00 UTC']],
    ['0 12 * * 7', ['Sun *-*-* 12:00:00 UTC']],
    ['0 12 * * fri-sun', ['Fri..Sun *-*-* 12:00:00 UTC']],
    ['0 0 * * 0-7', ['*-*-* 00:00:00 UTC']],
    ['0 0 * * */2', ['Tue,Thu,Sat,Sun *-*-* 00:00:00 UTC']],
    ['5,10 4 * * *', ['*-*-* 04:05,10:00 UTC']],
    ['0-59 0-23 1-31 1-12 *', ['*-*-* *:*:00 UTC']],
    ['1,2,3,7 * * * *', ['*-*-* *:01..03,07:00 UTC']],
    ['0 6 ? * 1', ['Mon *-*-* 06:00:00 UTC']],
    ['@daily', ['*-*-* 00:00:00 UTC']],
    ['@weekly', ['Sun *-*-* 00:00:00 UTC']],
    ['  @HOURLY ', ['*-*-* *:00:00 UTC']],
  ])('%s', (expr, expected) => {
    expect(cronToOnCalendar(expr)).toEqual(expected);
  });

  it('returns two specs when day-of-month and day-of-week are both restricted (cron ORs them)', () => {
    expect(cronToOnCalendar('0 2 1,15 * mon')).toEqual(['*-*-01,15 02:00:00 UTC', 'Mon *-*-* 02:00:00 UTC']);
    expect(cronToOnCalendar('0 0 13 * 5')).toEqual(['*-*-13 00:00:00 UTC', 'Fri *-*-* 00:00:00 UTC']);
  });

  it('writes the time zone', () => {
    expect(cronToOnCalendar('30 2 * * *', 'Europe/Berlin')).toEqual(['*-*-* 02:30:00 Europe/Berlin']);
  });

  it.each([
    ['0 2 * *', /expected 5 fields/],
    ['0 2 * * * *', /expected 5 fields/],
    ['60 2 * * *', /minute 60 is outside 0-59/],
    ['0 24 * * *', /hour 24/],
    ['0 0 0 * *', /day-of-month 0/],
    ['0 0 * 13 *', /month 13/],
    ['0 0 * * 8', /day-of-week 8/],
    ['*/0 * * * *', /step 0/],
    ['5/10 * * * *', /a step needs \* or a range/],
    ['10-5 * * * *', /runs backwards/],
    ['0 0 L * *', /"L" is not a valid day-of-month/],
    ['0 0 * * mon#2', /not a valid day-of-week/],
    ['@reboot', /expected 5 fields/],
  ])('rejects %s', (expr, message) => {
    expect(() => cronToOnCalendar(expr)).toThrow(message);
  });
});
