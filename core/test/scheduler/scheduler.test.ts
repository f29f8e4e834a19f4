import test from 'ava';
import type { Pod } from '../../src/api/index.js';
import {
  CLUSTER_DEPENDENT_KEY,
  schedulerHandle,
  unschedulable,
  type SchedulerHandle,
  type SchedulerPluginFactory,
} from '../../src/kernel/index.js';
import type { Binder } from '../../src/scheduler/index.js';
import { buildProfiles, harness, node, pod } from './helpers.js';

/** Test plugins; `calls` records every filter call as "pod@node". */
function plugins(calls: string[] = [], log: string[] = [], seen: { handle?: SchedulerHandle } = {}): SchedulerPluginFactory[] {
  return [
    { name: 'Sort', create: () => ({ less: (a, b) => (a.pod.spec.priority ?? 0) > (b.pod.spec.priority ?? 0) || a.timestamp < b.timestamp }) },
    {
      name: 'OnePerNode',
      create: () => ({
        filter: (p, n) => {
          calls.push(`${p.metadata.name}@${n.name}`);
          return n.pods.length > 0 ? unschedulable('OnePerNode', 'node is full') : undefined;
        },
      }),
    },
    { name: 'Everywhere', create: () => ({ filter: (p, n) => (calls.push(`${p.metadata.name}@${n.name}`), undefined) }) },
    {
      name: 'Clustered',
      create: () => ({
        preFilter: (p, state) => (p.metadata.labels?.clustered ? state.write(CLUSTER_DEPENDENT_KEY, true) : undefined, undefined),
      }),
    },
    { name: 'Refuse', create: () => ({ preFilter: (p) => (p.metadata.labels?.refuse ? unschedulable('Refuse', 'the pod asks for the impossible') : undefined) }) },
    { name: 'ByLabel', create: () => ({ score: (_p, n) => Number(n.node.metadata.labels?.score ?? 0) }) },
    { name: 'Bind', create: () => ({ bind: async (p, n, state) => (await schedulerHandle(state).bind(p, n), { code: 'Success' }) }) },
    ...['R1', 'R2'].map(
      (name): SchedulerPluginFactory => ({
        name,
        create: () => ({
          reserve: (p) => (log.push(`reserve ${name}`), p.metadata.labels?.[`fail-${name}`] ? unschedulable(name, `${name} is out of tickets`) : undefined),
          unreserve: () => void log.push(`unreserve ${name}`),
        }),
      }),
    ),
    {
      name: 'Hold',
      create: () => ({
        permit: (p, _n, state) => {
          seen.handle = schedulerHandle(state);
          return p.metadata.labels?.hold ? { code: 'Wait', timeoutMs: 5_000 } : undefined;
        },
      }),
    },
  ];
}

const PROFILE = (filters: string) => `scheduler:
  profiles:
    - name: default-scheduler
      plugins:
        queueSort: { enabled: [{ name: Sort }] }
        preFilter: { enabled: [{ name: Clustered }, { name: Refuse }] }
        filter: { enabled: [${filters}] }
        score: { enabled: [{ name: ByLabel }] }
        bind: { enabled: [{ name: Bind }] }
`;

/** The profile with one more extension point configured. */
const withPoint = (profile: string, point: string) => `${profile}        ${point}\n`;

const labelled = (p: Pod, labels: Record<string, string>): Pod => ({ ...p, metadata: { ...p.metadata, labels } });

test('binding runs in the background: the next cycle already sees the first pod on its node', async (t) => {
  const profiles = await buildProfiles(t, PROFILE('{ name: OnePerNode }'), plugins());
  const released: (() => void)[] = [];
  const bound: string[] = [];
  const slowBinder: Binder = {
    bind: (p, n) => new Promise((resolve) => released.push(() => (bound.push(`${p.metadata.name}->${n}`), resolve()))),
  };
  const { scheduler, events } = harness(profiles, { binder: slowBinder });
  scheduler.addNode(node('n1'));
  scheduler.addNode(node('n2'));
  scheduler.addPod(pod('a'));
  scheduler.addPod(pod('b'));
  const first = await scheduler.scheduleOne(scheduler.queue.tryPop()!);
  const second = await scheduler.scheduleOne(scheduler.queue.tryPop()!);
  t.is(first.result, 'assumed');
  t.is(second.result, 'assumed');
  t.not((first as { nodeName: string }).nodeName, (second as { nodeName: string }).nodeName, 'the assumed pod filled its node');
  t.deepEqual(bound, [], 'neither binding has finished');
  t.is(scheduler.cache.assumedCount, 2);
  for (const release of released) release();
  await scheduler.bindingsSettled();
  t.is(bound.length, 2);
  t.deepEqual(events.bound.map((e) => e.pod).sort(), ['a', 'b']);
});

test('filtering stops once enough nodes fit, and the next cycle starts where the last one stopped', async (t) => {
  const calls: string[] = [];
  const profiles = await buildProfiles(t, PROFILE('{ name: Everywhere }'), plugins(calls));
  const { scheduler } = harness(profiles, { reuseResults: false });
  for (let i = 0; i < 200; i++) scheduler.addNode(node(`n${i}`));
  scheduler.addPod(pod('a'));
  scheduler.addPod(pod('b'));
  await scheduler.schedulePending();
  const a = calls.filter((c) => c.startsWith('a@'));
  const b = calls.filter((c) => c.startsWith('b@'));
  t.is(a.length, 100, '200 nodes: 100 feasible nodes are enough');
  t.is(b.length, 100);
  t.deepEqual(new Set([...a, ...b].map((c) => c.split('@')[1])).size, 200, 'between them the two cycles saw every node');
  t.is(b[0], 'b@n100');
  t.is(scheduler.stats().nodesEvaluated, 200);
});

test('identical pods reuse preFilter state and the filter answers of unchanged nodes', async (t) => {
  const calls: string[] = [];
  const profiles = await buildProfiles(t, PROFILE('{ name: OnePerNode }'), plugins(calls));
  const { scheduler, events, clock } = harness(profiles);
  for (let i = 0; i < 3; i++) scheduler.addNode(node(`n${i}`));
  for (const name of ['r1', 'r2', 'r3', 'r4']) {
    scheduler.addPod(pod(name, { cpu: '1' }));
    clock.advance(1); // queueSort orders equal priorities by arrival
  }
  const outcomes = await scheduler.schedulePending();
  t.deepEqual(outcomes.map((o) => o.result), ['assumed', 'assumed', 'assumed', 'unschedulable']);
  t.deepEqual(new Set(outcomes.slice(0, 3).map((o) => (o as { nodeName: string }).nodeName)).size, 3);
  // r1 filters all 3 nodes; each later replica re-filters only the node the previous one took.
  t.deepEqual(calls.map((c) => c.split('@')[0]), ['r1', 'r1', 'r1', 'r2', 'r3', 'r4']);
  t.like(scheduler.stats(), { preFilterReused: 3, filterAnswersReused: 6 });
  t.is(events.failed[0]!.message, '0/3 nodes are available: 3 node is full.');

  calls.length = 0;
  scheduler.addPod(pod('different', { cpu: '2' }));
  await scheduler.schedulePending();
  t.is(calls.length, 3, 'another spec is another class');
  calls.length = 0;
  const n0 = scheduler.cache.nodeInfo('n0')!.node;
  scheduler.updateNode(n0, { ...n0, metadata: { ...n0.metadata, labels: { zone: 'b' } } });
  scheduler.addPod(pod('different-2', { cpu: '2' }));
  await scheduler.schedulePending();
  t.deepEqual(calls, ['different-2@n0'], 'only the updated node is asked again');
});

test('a preFilter that reads other nodes turns reuse off for its cycle', async (t) => {
  const calls: string[] = [];
  const profiles = await buildProfiles(t, PROFILE('{ name: Everywhere }'), plugins(calls));
  const { scheduler } = harness(profiles);
  for (let i = 0; i < 3; i++) scheduler.addNode(node(`n${i}`));
  for (const name of ['c1', 'c2']) scheduler.addPod(pod(name, { labels: { clustered: 'yes' } }));
  await scheduler.schedulePending();
  t.is(calls.length, 6);
  t.like(scheduler.stats(), { preFilterReused: 0, filterAnswersReused: 0 });
});

test('the highest score wins; weights come from the profile', async (t) => {
  const profiles = await buildProfiles(t, PROFILE('{ name: Everywhere }'), plugins());
  const { scheduler, binder } = harness(profiles);
  scheduler.addNode(node('low', { labels: { score: '10' } }));
  scheduler.addNode(node('high', { labels: { score: '90' } }));
  scheduler.addPod(pod('p'));
  await scheduler.schedulePending();
  t.deepEqual([...binder.bindings.values()], ['high']);
});

test('a failed binding is undone: unreserved, forgotten, reported, retried after backoff', async (t) => {
  const log: string[] = [];
  const profiles = await buildProfiles(t, withPoint(PROFILE('{ name: OnePerNode }'), 'reserve: { enabled: [{ name: R1 }, { name: R2 }] }'), plugins([], log));
  const { scheduler, binder, events, clock } = harness(profiles);
  scheduler.addNode(node('n1', { cpu: '2' }));
  const p = pod('p', { cpu: '1' });
  scheduler.addPod(p);
  binder.failNext(1);
  const [outcome] = await scheduler.schedulePending();
  t.is(outcome!.result, 'assumed', 'the cycle itself succeeded');
  t.deepEqual(log, ['reserve R1', 'reserve R2', 'unreserve R2', 'unreserve R1']);
  t.is(scheduler.cache.assumedCount, 0);
  t.is(scheduler.cache.nodeInfo('n1')!.requested.milliCpu, 0, 'no leaked resources');
  t.is(scheduler.cache.nodeInfo('n1')!.pods.length, 0);
  t.is(scheduler.queue.whereIs(p), 'backoff');
  t.like(events.failed[0], { pod: 'p', message: 'binding rejected: the API server refused the binding' });
  t.like(events.failed[0]!.condition, { type: 'PodScheduled', status: 'False', reason: 'SchedulerError' });

  clock.advance(1_000);
  await scheduler.schedulePending();
  t.deepEqual([...binder.bindings.values()], ['n1']);
  t.is(scheduler.cache.assumedCount, 0, 'the binder confirmed it');
  t.is(scheduler.cache.nodeInfo('n1')!.requested.milliCpu, 1000);
  t.deepEqual(events.bound, [{ pod: 'p', node: 'n1' }]);
});

test('a reserve refusal unreserves every reserve plugin and requeues the pod as unschedulable', async (t) => {
  const log: string[] = [];
  const profiles = await buildProfiles(t, withPoint(PROFILE('{ name: Everywhere }'), 'reserve: { enabled: [{ name: R1 }, { name: R2 }] }'), plugins([], log));
  const { scheduler, events } = harness(profiles);
  scheduler.addNode(node('n1'));
  const p = pod('p', { labels: { 'fail-R2': 'yes' } });
  scheduler.addPod(p);
  const [outcome] = await scheduler.schedulePending();
  t.like(outcome, { result: 'unschedulable', message: 'R2 is out of tickets' });
  t.deepEqual(log, ['reserve R1', 'reserve R2', 'unreserve R2', 'unreserve R1']);
  t.false(scheduler.cache.has(p));
  t.is(scheduler.queue.whereIs(p), 'unschedulable');
  t.like(events.failed[0]!.condition, { reason: 'Unschedulable', message: 'R2 is out of tickets' });
});

test('permit Wait holds the pod until a plugin allows it, or until the timeout rejects it', async (t) => {
  const seen: { handle?: SchedulerHandle } = {};
  const profiles = await buildProfiles(t, withPoint(PROFILE('{ name: Everywhere }'), 'permit: { enabled: [{ name: Hold }] }'), plugins([], [], seen));
  const { scheduler, events, clock } = harness(profiles);
  scheduler.addNode(node('n1'));
  const held = pod('held', { labels: { hold: 'yes' } });
  scheduler.addPod(held);
  const outcome = await scheduler.scheduleOne(scheduler.queue.tryPop()!);
  t.is(outcome.result, 'assumed');
  const waiting = seen.handle!.waitingPod(held.metadata.uid!);
  t.is(waiting?.nodeName, 'n1');
  t.deepEqual(events.bound, []);
  waiting!.allow('Test');
  await scheduler.bindingsSettled();
  t.deepEqual(events.bound, [{ pod: 'held', node: 'n1' }]);

  const late = pod('late', { labels: { hold: 'yes' } });
  scheduler.addPod(late);
  await scheduler.scheduleOne(scheduler.queue.tryPop()!);
  clock.advance(5_000);
  await scheduler.bindingsSettled();
  t.is(events.failed[0]!.message, 'rejected due to timeout after waiting 5000ms at plugin Hold');
  t.false(scheduler.cache.has(late));
  t.is(scheduler.queue.whereIs(late), 'backoff', 'the binding cycle freed room, which counts as a cluster event');
});

test('no nodes, or a preFilter refusal, fail the cycle with the messages kube-scheduler gives', async (t) => {
  const profiles = await buildProfiles(t, PROFILE('{ name: Everywhere }'), plugins());
  const { scheduler, events } = harness(profiles);
  scheduler.addPod(pod('early'));
  await scheduler.schedulePending();
  t.like(events.failed[0], { pod: 'early', message: 'no nodes available to schedule pods' });
  t.is(events.failed[0]!.condition.reason, 'SchedulerError');

  scheduler.addNode(node('n1'));
  scheduler.addNode(node('n2'));
  const refused = pod('refused', { labels: { refuse: 'yes' } });
  scheduler.addPod(refused);
  const [outcome] = await scheduler.schedulePending();
  t.like(outcome, { result: 'unschedulable', message: '0/2 nodes are available: the pod asks for the impossible.' });
});

test('pods of other schedulers are left alone; bound pods go to the cache; deleting one frees room', async (t) => {
  const profiles = await buildProfiles(t, PROFILE('{ name: OnePerNode }'), plugins());
  const { scheduler, events, clock } = harness(profiles);
  scheduler.addNode(node('n1'));
  scheduler.addPod(pod('theirs', { schedulerName: 'other-scheduler' }));
  const running = pod('running', { nodeName: 'n1' });
  scheduler.addPod(running);
  t.deepEqual(scheduler.queue.counts(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  t.is(scheduler.cache.nodeInfo('n1')!.pods.length, 1);

  const waiting = pod('waiting');
  scheduler.addPod(waiting);
  await scheduler.schedulePending();
  t.is(events.failed[0]!.message, '0/1 nodes are available: 1 node is full.');
  scheduler.deletePod(running);
  clock.advance(1_000);
  await scheduler.schedulePending();
  t.deepEqual(events.bound, [{ pod: 'waiting', node: 'n1' }]);
});

test('start() schedules pods as they arrive; stop() ends the loop', async (t) => {
  const profiles = await buildProfiles(t, PROFILE('{ name: Everywhere }'), plugins());
  const { scheduler, events } = harness(profiles);
  scheduler.start();
  scheduler.addNode(node('n1'));
  for (const name of ['a', 'b', 'c']) scheduler.addPod(pod(name, { priority: name === 'c' ? 10 : 0 }));
  for (let i = 0; i < 100 && events.bound.length < 3; i++) await new Promise((r) => setImmediate(r));
  await scheduler.stop();
  t.deepEqual(events.bound.map((e) => e.pod), ['a', 'c', 'b'], 'a was popped at once; c outranks b');
});

test('a pod changed while being scheduled is requeued in its new version', async (t) => {
  const profiles = await buildProfiles(t, PROFILE('{ name: OnePerNode }'), plugins());
  const { scheduler, events } = harness(profiles);
  scheduler.addNode(node('n1'));
  scheduler.addPod(pod('other', { nodeName: 'n1' }));
  const p = pod('p');
  scheduler.addPod(p);
  const entry = scheduler.queue.tryPop()!;
  const updated = labelled(p, { version: '2' });
  scheduler.updatePod(p, updated);
  await scheduler.scheduleOne(entry);
  t.is(events.failed.length, 1);
  t.is(scheduler.queue.whereIs(updated), 'unschedulable');
  t.is(entry.pod, updated);
});
