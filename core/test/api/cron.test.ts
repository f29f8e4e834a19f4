import test from 'ava';
import { CronSyntaxError, cronScheduleProblem, parseCronSchedule, type CronSchedule } from '../../src/api/index.js';

const fields = (text: string) => parseCronSchedule(text) as CronSchedule;

test('numbers, ranges, steps, lists and * expand to the values of each field', (t) => {
  const s = fields('*/15 9-17 1,15 * 1-5');
  t.deepEqual(s.minute, [0, 15, 30, 45]);
  t.deepEqual(s.hour, [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  t.deepEqual(s.dayOfMonth, [1, 15]);
  t.is(s.month.length, 12);
  t.deepEqual(s.dayOfWeek, [1, 2, 3, 4, 5]);
  t.true(s.dayOfWeekAny === false && s.dayOfMonthAny === false);
  t.deepEqual(fields('5/20 0 * * *').minute, [5, 25, 45]);
  t.deepEqual(fields('0-10/5,30 * * * *').minute, [0, 5, 10, 30]);
  t.true(fields('0 0 ? * *').dayOfMonthAny);
});

test('month and weekday names are accepted in any case', (t) => {
  const s = fields('0 0 * jan-Mar,DEC sun,sat');
  t.deepEqual(s.month, [1, 2, 3, 12]);
  t.deepEqual(s.dayOfWeek, [0, 6]);
});

test('macros expand, and @every takes a duration', (t) => {
  t.deepEqual(fields('@hourly').minute, [0]);
  t.is(fields('@hourly').hour.length, 24);
  t.deepEqual(fields('@weekly').dayOfWeek, [0]);
  t.deepEqual(fields('@yearly').month, [1]);
  t.deepEqual(parseCronSchedule('@every 1h30m'), { everySeconds: 5400 });
});

test('each malformed field is named with the reason', (t) => {
  const cases: [string, string][] = [
    ['* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 4'],
    ['* * * * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 6'],
    ['60 * * * *', 'minute: 60 is outside 0-59'],
    ['* 24 * * *', 'hour: 24 is outside 0-23'],
    ['* * 0 * *', 'day of month: 0 is outside 1-31'],
    ['* * * 13 *', 'month: 13 is outside 1-12'],
    ['* * * * 7', 'day of week: 7 is outside 0-6'],
    ['*/0 * * * *', 'minute: step "0" must be a positive number'],
    ['5-1 * * * *', 'minute: range "5-1" runs backwards'],
    ['a * * * *', 'minute: "a" is not a number'],
    ['* * * foo *', 'month: "foo" is not a number or a name (JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC)'],
    ['1,,2 * * * *', 'minute: "" is missing a value'],
    ['? * * * *', 'minute: "?" is missing a value'],
    ['@often', 'unknown macro "@often"; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>'],
    ['@every soon', '"@every soon" needs a duration like 90s, 5m or 1h30m'],
    ['TZ=UTC 0 * * * *', 'a time zone may not be given in the schedule; use spec.timeZone'],
    ['', 'expected 5 fields (minute hour day-of-month month day-of-week), found 0'],
  ];
  for (const [schedule, message] of cases) {
    t.is(cronScheduleProblem(schedule), message, schedule);
    t.throws(() => parseCronSchedule(schedule), { instanceOf: CronSyntaxError });
  }
  t.is(cronScheduleProblem('0 3 * * 1'), undefined);
});
