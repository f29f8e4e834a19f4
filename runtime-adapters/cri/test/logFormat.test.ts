import test from 'ava';
import { CriLogParser, utcTimestamp } from '../src/index.js';

// The CRI log file format, parsed without a runtime.

const T1 = '2026-01-02T03:04:05.123456789Z';
const T2 = '2026-01-02T03:04:06.5Z';

function texts(parser: CriLogParser, input: string): string[] {
  return parser.push(Buffer.from(input)).map((l) => `${l.stream}:${l.text.toString()}`);
}

test('whole lines come out with their stream, time and text', (t) => {
  const parser = new CriLogParser();
  const lines = parser.push(Buffer.from(`${T1} stdout F hello world\n${T2} stderr F oops\n`));
  t.deepEqual(
    lines.map((l) => [l.time, l.stream, l.text.toString(), l.complete]),
    [
      [T1, 'stdout', 'hello world', true],
      [T2, 'stderr', 'oops', true],
    ],
  );
  t.is(lines[0]!.ms, Date.UTC(2026, 0, 2, 3, 4, 5, 123));
});

test('partial records are joined up to the F that ends them, per stream', (t) => {
  const parser = new CriLogParser();
  const input = [`${T1} stdout P aaa`, `${T1} stderr F err`, `${T1} stdout P bbb`, `${T2} stdout F ccc`, ''].join('\n');
  t.deepEqual(texts(parser, input), ['stderr:err', 'stdout:aaabbbccc']);
});

test('chunks may split a record anywhere', (t) => {
  const parser = new CriLogParser();
  const input = `${T1} stdout F first line\n${T2} stdout F second\n`;
  const out: string[] = [];
  for (let i = 0; i < input.length; i += 7) out.push(...texts(parser, input.slice(i, i + 7)));
  t.deepEqual(out, ['stdout:first line', 'stdout:second']);
});

test('empty lines, spaces in text and malformed records', (t) => {
  const parser = new CriLogParser();
  const input = [`${T1} stdout F`, `${T1} stdout F  two  spaces `, 'garbage without fields', `not-a-time stdout F x`, `${T1} stdin F x`, ''].join('\n');
  t.deepEqual(texts(parser, input), ['stdout:', 'stdout: two  spaces ']);
});

test('flush hands out an unfinished line and a pending partial, marked incomplete', (t) => {
  const parser = new CriLogParser();
  t.deepEqual(texts(parser, `${T1} stdout P half`), []);
  t.deepEqual(texts(parser, `\n${T1} stderr F no newline yet`), []);
  const rest = parser.flush();
  t.deepEqual(
    rest.map((l) => [l.stream, l.text.toString(), l.complete]),
    [
      ['stderr', 'no newline yet', true],
      ['stdout', 'half', false],
    ],
  );
});

test('timestamps are shown in UTC with every fractional digit kept', (t) => {
  t.is(utcTimestamp(T1), T1);
  t.is(utcTimestamp('2026-01-02T05:04:05.123456789+02:00'), '2026-01-02T03:04:05.123456789Z');
  t.is(utcTimestamp('2026-01-01T23:30:00-01:00'), '2026-01-02T00:30:00Z');
});
