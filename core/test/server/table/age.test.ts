import test from 'ava';
import { age, humanDuration } from '../../../src/server/table/index.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

const cases: [number, string][] = [
  [0, '0s'],
  [5 * s, '5s'],
  [119 * s, '119s'],
  [2 * m, '2m'],
  [3 * m + 2 * s, '3m2s'],
  [9 * m + 59 * s, '9m59s'],
  [10 * m + 30 * s, '10m'],
  [179 * m, '179m'],
  [3 * h, '3h'],
  [3 * h + 5 * m, '3h5m'],
  [8 * h + 5 * m, '8h'],
  [47 * h, '47h'],
  [2 * d, '2d'],
  [2 * d + 3 * h, '2d3h'],
  [8 * d + 3 * h, '8d'],
  [400 * d, '400d'],
  [2 * 365 * d, '2y'],
  [2 * 365 * d + 10 * d, '2y10d'],
  [9 * 365 * d + 10 * d, '9y'],
  [-1500, '0s'],
  [-3 * s, '<invalid>'],
];

for (const [ms, text] of cases) {
  test(`humanDuration(${ms}ms) is ${text}`, (t) => {
    t.is(humanDuration(ms), text);
  });
}

test('age of a timestamp, and of none', (t) => {
  const now = new Date('2024-05-01T12:00:00Z');
  t.is(age('2024-05-01T11:56:58Z', now), '3m2s');
  t.is(age('2024-04-29T09:00:00Z', now), '2d3h');
  t.is(age(undefined, now), '<unknown>');
  t.is(age('not a time', now), '<unknown>');
});
