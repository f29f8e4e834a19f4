import test from 'ava';
import { InvalidScheduleError, MAX_MISSED_RUNS, parseSchedule } from '../src/cronjob/schedule.js';
import { T0 } from './fixtures.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

test('every minute: the next run is the next whole minute', (t) => {
  const s = parseSchedule('*/1 * * * *', 'UTC');
  t.is(iso(s.next(T0 + 30_000)), '2025-01-01T00:01:00.000Z');
  t.is(iso(s.next(T0 + MIN)), '2025-01-01T00:02:00.000Z');
});

test('names of days and months, steps and ranges', (t) => {
  // 2025-01-01 is a Wednesday.
  t.is(iso(parseSchedule('30 9 * * MON', 'UTC').next(T0)), '2025-01-06T09:30:00.000Z');
  t.is(iso(parseSchedule('0 0 1 FEB *', 'UTC').next(T0)), '2025-02-01T00:00:00.000Z');
  t.is(iso(parseSchedule('0 8-18/5 * * *', 'UTC').next(T0 + 9 * 3600_000)), '2025-01-01T13:00:00.000Z');
  t.is(iso(parseSchedule('0 0 * * mon-fri', 'UTC').next(T0 + 2 * 86_400_000)), '2025-01-06T00:00:00.000Z');
});

test('day-of-month and day-of-week both given: either matches, as in cron', (t) => {
  const s = parseSchedule('0 0 1 * MON', 'UTC');
  t.is(iso(s.next(Date.UTC(2025, 0, 27, 1))), '2025-02-01T00:00:00.000Z');
  t.is(iso(s.next(Date.UTC(2025, 1, 1, 1))), '2025-02-03T00:00:00.000Z');
});

test('macros', (t) => {
  t.is(iso(parseSchedule('@hourly', 'UTC').next(T0 + 1)), '2025-01-01T01:00:00.000Z');
  t.is(iso(parseSchedule('@daily', 'UTC').next(T0 + 1)), '2025-01-02T00:00:00.000Z');
  t.is(iso(parseSchedule('@weekly', 'UTC').next(T0)), '2025-01-05T00:00:00.000Z');
  t.is(iso(parseSchedule('@monthly', 'UTC').next(T0)), '2025-02-01T00:00:00.000Z');
  t.is(iso(parseSchedule('@yearly', 'UTC').next(T0)), '2026-01-01T00:00:00.000Z');
});

test('@every is a fixed interval', (t) => {
  const s = parseSchedule('@every 90s', 'UTC');
  t.is(s.next(T0), T0 + 90_000);
  t.deepEqual(s.between(T0, T0 + 200_000), { mostRecent: T0 + 180_000, missed: 2 });
});

test('spec.timeZone moves the run times', (t) => {
  // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
  const s = parseSchedule('0 9 * * *', 'Europe/Paris');
  t.is(iso(s.next(T0)), '2025-01-01T08:00:00.000Z');
  t.is(iso(s.next(Date.UTC(2025, 6, 1))), '2025-07-01T07:00:00.000Z');
  t.is(iso(parseSchedule('0 9 * * *', 'America/New_York').next(T0)), '2025-01-01T14:00:00.000Z');
});

test('between: the most recent run time and how many were missed', (t) => {
  const s = parseSchedule('*/5 * * * *', 'UTC');
  t.deepEqual(s.between(T0, T0 + 4 * MIN), { missed: 0 });
  t.deepEqual(s.between(T0, T0 + 5 * MIN), { mostRecent: T0 + 5 * MIN, missed: 1 });
  t.deepEqual(s.between(T0, T0 + 17 * MIN), { mostRecent: T0 + 15 * MIN, missed: 3 });
  t.deepEqual(s.between(T0 + 5 * MIN, T0 + 5 * MIN), { missed: 0 }, 'the run at `earliest` itself is done already');
});

test('between stops counting past the limit but still finds the most recent run', (t) => {
  const s = parseSchedule('* * * * *', 'UTC');
  const now = T0 + 10_000 * MIN + 30_000;
  t.deepEqual(s.between(T0, now), { mostRecent: T0 + 10_000 * MIN, missed: MAX_MISSED_RUNS + 1 });
});

test('invalid schedules and zones are InvalidScheduleErrors that say what is wrong', (t) => {
  const fields = t.throws(() => parseSchedule('* * * *', 'UTC'), { instanceOf: InvalidScheduleError });
  t.regex(fields.message, /expected 5 fields/);
  t.regex(t.throws(() => parseSchedule('61 * * * *', 'UTC'), { instanceOf: InvalidScheduleError }).message, /minute: 61/);
  t.throws(() => parseSchedule('* * * * * *', 'UTC'), { instanceOf: InvalidScheduleError }, 'no seconds field');
  t.throws(() => parseSchedule('@minutely', 'UTC'), { instanceOf: InvalidScheduleError });
  t.regex(t.throws(() => parseSchedule('* * * * *', 'Mars/Olympus'), { instanceOf: InvalidScheduleError }).message, /time zone "Mars\/Olympus"/);
});
