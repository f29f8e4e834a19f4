import test from 'ava';
import { SchedulingQueue, type QueuedPod } from '../../src/scheduler/index.js';
import { ManualClock } from '../../src/testing/clock.js';
import { pod } from './helpers.js';

const byPriority = (a: QueuedPod, b: QueuedPod) => {
  const pa = a.pod.spec.priority ?? 0;
  const pb = b.pod.spec.priority ?? 0;
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
};

function queue(less: (a: QueuedPod, b: QueuedPod) => boolean | undefined = byPriority) {
  const clock = new ManualClock();
  const q = new SchedulingQueue({ less, clock, initialBackoffMs: 1_000, maxBackoffMs: 10_000, unschedulableTimeoutMs: 60_000 });
  return { q, clock };
}

const names = (q: SchedulingQueue) => {
  const out: string[] = [];
  for (let e = q.tryPop(); e; e = q.tryPop()) out.push(e.pod.metadata.name!);
  return out;
};

test('activeQ: higher priority first, then the order of arrival', (t) => {
  const { q, clock } = queue();
  q.add(pod('low-1', { priority: 1 }));
  clock.advance(1);
  q.add(pod('high', { priority: 100 }));
  clock.advance(1);
  q.add(pod('low-2', { priority: 1 }));
  t.deepEqual(names(q), ['high', 'low-1', 'low-2']);
});

test('without a queueSort plugin the queue is FIFO', (t) => {
  const { q } = queue(() => undefined);
  for (const n of ['c', 'a', 'b']) q.add(pod(n, { priority: n === 'b' ? 9 : 0 }));
  t.deepEqual(names(q), ['c', 'a', 'b']);
});

test('backoff doubles per attempt from 1 s and stops at 10 s', (t) => {
  const { q } = queue();
  t.deepEqual([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n)), [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
});

test('an error goes to backoffQ and comes back to activeQ when its backoff ends', (t) => {
  const { q, clock } = queue();
  const p = pod('p');
  q.add(p);
  const entry = q.tryPop()!;
  t.is(q.whereIs(p), 'inFlight');
  t.true(q.requeue(entry, false));
  t.is(q.whereIs(p), 'backoff');
  clock.advance(999);
  t.is(q.whereIs(p), 'backoff');
  clock.advance(1);
  t.is(q.whereIs(p), 'active');
  const again = q.tryPop()!;
  t.is(again.attempts, 2);
  q.requeue(again, false);
  clock.advance(1_999);
  t.is(q.whereIs(p), 'backoff', 'the second backoff is 2 s');
  clock.advance(1);
  t.is(q.whereIs(p), 'active');
});

test('an unschedulable pod waits for a cluster event, then retries after its backoff', (t) => {
  const { q, clock } = queue();
  const p = pod('p');
  q.add(p);
  q.requeue(q.tryPop()!, true);
  t.is(q.whereIs(p), 'unschedulable');
  clock.advance(5_000);
  t.is(q.whereIs(p), 'unschedulable', 'no event, no retry');
  q.moveAllToActiveOrBackoff();
  t.is(q.whereIs(p), 'active', 'its 1 s backoff is long over');

  const e = q.tryPop()!;
  q.requeue(e, true);
  q.moveAllToActiveOrBackoff();
  t.is(q.whereIs(p), 'backoff', 'moved at once, but still backing off');
  clock.advance(2_000);
  t.is(q.whereIs(p), 'active');
});

test('unschedulable pods are retried after 60 s even without an event', (t) => {
  const { q, clock } = queue();
  const p = pod('p');
  q.add(p);
  q.requeue(q.tryPop()!, true);
  clock.advance(59_999);
  t.is(q.whereIs(p), 'unschedulable');
  clock.advance(1);
  t.is(q.whereIs(p), 'active');
});

test('an event during a pod\'s cycle sends its failure to backoffQ, not to the unschedulable pods', (t) => {
  const { q } = queue();
  const p = pod('p');
  q.add(p);
  const entry = q.tryPop()!;
  q.moveAllToActiveOrBackoff(); // e.g. a node was added while the pod was being scheduled
  q.requeue(entry, true);
  t.is(q.whereIs(p), 'backoff');
});

test('a pod deleted while in flight is not requeued; an update in flight is what gets requeued', (t) => {
  const { q } = queue();
  const gone = pod('gone');
  const changed = pod('changed');
  q.add(gone);
  q.add(changed);
  const e1 = q.tryPop()!;
  const e2 = q.tryPop()!;
  q.delete(gone);
  const newer = { ...changed, metadata: { ...changed.metadata, labels: { v: '2' } } };
  q.update(newer);
  t.false(q.requeue(e1, false));
  t.true(q.requeue(e2, false));
  t.is(q.whereIs(gone), undefined);
  t.is(e2.pod, newer);
});

test('an update that changes the spec moves an unschedulable pod; a status-only update does not', (t) => {
  const { q, clock } = queue();
  const p = pod('p', { cpu: '8' });
  q.add(p);
  q.requeue(q.tryPop()!, true);
  q.update({ ...p, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } });
  t.is(q.whereIs(p), 'unschedulable');
  clock.advance(1_000);
  q.update({ ...p, spec: { ...p.spec, containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] } });
  t.is(q.whereIs(p), 'active');
});

test('pop waits for a pod and resolves undefined once closed', async (t) => {
  const { q } = queue();
  const waiting = q.pop();
  q.add(pod('late'));
  t.is((await waiting)?.pod.metadata.name, 'late');
  const idle = q.pop();
  q.close();
  t.is(await idle, undefined);
  t.deepEqual(q.counts(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 1 });
});
