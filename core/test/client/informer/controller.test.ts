// runController applies the queue rules: errors retry with backoff, success forgets, requeueAfter delays.
import test from 'ava';
import { ExponentialFailureRateLimiter } from '../../../src/client/informer/rateLimiters.js';
import { runController } from '../../../src/client/informer/runController.js';
import { WorkQueue } from '../../../src/client/informer/WorkQueue.js';
import { ManualClock } from '../../../src/testing/clock.js';
import { flush } from './helpers.js';

test('a failing sync is retried with backoff, then forgotten on success; requeueAfter comes back later', async (t) => {
  const clock = new ManualClock();
  const queue = new WorkQueue({ clock, rateLimiter: new ExponentialFailureRateLimiter(5, 1000) });
  const calls: string[] = [];
  const errors: string[] = [];
  let failures = 2;
  const done = runController({
    name: 'test',
    queue,
    workers: 2,
    onError: (key) => errors.push(key),
    sync: async (key) => {
      calls.push(`${key}@${clock.now() - start}`);
      if (key === 'flaky' && failures-- > 0) throw new Error('conflict');
      if (key === 'periodic') return { requeueAfterMs: 1000 };
      return undefined;
    },
  });
  const start = clock.now();
  queue.add('flaky');
  queue.add('periodic');
  await flush();
  t.deepEqual(calls.sort(), ['flaky@0', 'periodic@0']);
  t.is(queue.numRequeues('flaky'), 1);
  clock.advance(5);
  await flush();
  clock.advance(10);
  await flush();
  t.deepEqual(calls.filter((c) => c.startsWith('flaky')), ['flaky@0', 'flaky@5', 'flaky@15']);
  t.deepEqual(errors, ['flaky', 'flaky']);
  t.is(queue.numRequeues('flaky'), 0, 'forgotten after success');
  clock.advance(985);
  await flush();
  t.deepEqual(calls.filter((c) => c.startsWith('periodic')), ['periodic@0', 'periodic@1000']);
  await queue.shutDown();
  await done;
});

test('workers never sync one key at once, but do run different keys in parallel', async (t) => {
  const queue = new WorkQueue({ clock: new ManualClock() });
  let running = 0;
  let maxRunning = 0;
  const active = new Set<string>();
  let overlap = false;
  const releases: (() => void)[] = [];
  const done = runController({
    name: 'test',
    queue,
    workers: 4,
    sync: async (key) => {
      if (active.has(key)) overlap = true;
      active.add(key);
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise<void>((r) => releases.push(r));
      active.delete(key);
      running--;
    },
  });
  queue.add('a');
  queue.add('b');
  await flush();
  queue.add('a');
  queue.add('a');
  await flush();
  t.is(running, 2);
  for (let i = 0; i < 5 && releases.length; i++) {
    for (const release of releases.splice(0)) release();
    await flush();
  }
  t.false(overlap);
  t.is(maxRunning, 2);
  await queue.shutDown();
  await done;
  t.is(running, 0);
});
