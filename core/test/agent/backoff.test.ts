// The crash-loop back-off on its own, with explicit times.
import test from 'ava';
import { CrashBackoff } from '../../src/agent/pods/backoff.js';

test('first restart at once, then doubling delays up to the cap; a long run resets it', (t) => {
  const b = new CrashBackoff({ initialMs: 10_000, maxMs: 40_000, resetMs: 600_000 });
  const key = 'uid-1/app';
  t.is(b.remaining(key, 0, 1_000, 1_000), 0, 'the first crash restarts at once');
  b.restarted(key, 1_000);
  t.is(b.remaining(key, 1_000, 2_000, 2_000), 10_000);
  t.is(b.remaining(key, 1_000, 2_000, 7_000), 5_000, 'counted from the exit');
  t.is(b.remaining(key, 1_000, 2_000, 12_000), 0);
  b.restarted(key, 2_000);
  t.is(b.delayOf(key), 20_000);
  b.restarted(key, 30_000);
  b.restarted(key, 80_000);
  t.is(b.delayOf(key), 40_000, 'capped');
  t.is(b.remaining(key, 100_000, 100_000 + 600_000, 700_001), 0, 'ten minutes of running reset it');
  t.is(b.delayOf(key), 0);
  b.restarted('uid-2/x', 0);
  b.forgetPod('uid-2');
  t.is(b.delayOf('uid-2/x'), 0);
});
