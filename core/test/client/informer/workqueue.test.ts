// The work queue's rules, on a ManualClock: dedup, one worker per key, backoff, delays, shutdown.
import test from 'ava';
import { ExponentialFailureRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter } from '../../../src/client/informer/rateLimiters.js';
import { WorkQueue } from '../../../src/client/informer/WorkQueue.js';
import { ManualClock } from '../../../src/testing/clock.js';
import { flush } from './helpers.js';

test('a key added while queued is queued once; keys come out in order', async (t) => {
  const q = new WorkQueue({ clock: new ManualClock() });
  q.add('ns/a');
  q.add('ns/b');
  q.add('ns/a');
  t.is(q.length, 2);
  t.is(await q.get(), 'ns/a');
  t.is(await q.get(), 'ns/b');
  t.is(q.length, 0);
});

test('a key is never handed out twice at once: added while processing, it comes back after done', async (t) => {
  const q = new WorkQueue({ clock: new ManualClock() });
  q.add('k');
  t.is(await q.get(), 'k');
  q.add('k');
  q.add('k');
  t.is(q.length, 0, 'held back while processing');
  let second: string | undefined;
  void q.get().then((k) => (second = k));
  await flush();
  t.is(second, undefined, 'a second worker does not get it');
  q.done('k');
  await flush();
  t.is(second, 'k', 'requeued once after done');
  q.done('k');
  t.is(q.length, 0);
});

test('a waiting get is answered by the next add', async (t) => {
  const q = new WorkQueue({ clock: new ManualClock() });
  const next = q.get();
  q.add('x');
  t.is(await next, 'x');
});

test('addRateLimited backs off per key exponentially from 5 ms; forget resets it', async (t) => {
  const clock = new ManualClock();
  const q = new WorkQueue({ clock, rateLimiter: new ExponentialFailureRateLimiter(5, 1_000_000) });
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    const start = clock.now();
    q.addRateLimited('k');
    let waited = 0;
    while (q.length === 0) {
      clock.advance(1);
      waited++;
      if (waited > 1000) throw new Error('never queued');
    }
    delays.push(clock.now() - start);
    t.is(await q.get(), 'k');
    q.done('k');
  }
  t.deepEqual(delays, [5, 10, 20, 40]);
  t.is(q.numRequeues('k'), 4);
  q.forget('k');
  t.is(q.numRequeues('k'), 0);
  q.addRateLimited('other');
  clock.advance(4);
  t.is(q.length, 0);
  clock.advance(1);
  t.is(q.length, 1);
});

test('per-key backoff is capped (1000 s by default) and the token bucket spaces bursts', (t) => {
  const clock = new ManualClock();
  const exp = new ExponentialFailureRateLimiter(5, 1_000_000);
  let last = 0;
  for (let i = 0; i < 30; i++) last = exp.when('k');
  t.is(last, 1_000_000);
  const bucket = new TokenBucketRateLimiter(clock, 10, 3);
  t.deepEqual([bucket.when(), bucket.when(), bucket.when(), bucket.when(), bucket.when()], [0, 0, 0, 100, 200]);
  clock.advance(1000);
  t.is(bucket.when(), 0, 'refilled');
  const both = new MaxOfRateLimiter(new ExponentialFailureRateLimiter(5, 1_000_000), new TokenBucketRateLimiter(clock, 10, 1));
  t.is(both.when('a'), 5);
  t.is(both.when('b'), 100, 'the bucket wins when it is empty');
});

test('addAfter queues when the delay passes; an earlier addAfter of the same key wins', (t) => {
  const clock = new ManualClock();
  const q = new WorkQueue({ clock });
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 200);
  q.addAfter('b', 0);
  t.is(q.length, 1, 'no delay: at once');
  clock.advance(49);
  t.is(q.length, 1);
  clock.advance(1);
  t.is(q.length, 2);
  clock.advance(500);
  t.is(q.length, 2, 'the later timers were dropped or deduplicated');
  t.is(clock.pending, 0);
});

test('shutDown takes no more keys, drops delays, hands out what is queued, and resolves when drained', async (t) => {
  const clock = new ManualClock();
  const q = new WorkQueue({ clock });
  q.add('a');
  q.add('b');
  t.is(await q.get(), 'a');
  q.addAfter('later', 10);
  let drained = false;
  const shut = q.shutDown().then(() => (drained = true));
  t.true(q.shuttingDown);
  t.is(clock.pending, 0);
  q.add('c');
  t.is(q.length, 1);
  t.is(await q.get(), 'b');
  t.is(await q.get(), undefined);
  q.done('b');
  await flush();
  t.false(drained, 'a is still processing');
  q.done('a');
  await shut;
  t.true(drained);
});
