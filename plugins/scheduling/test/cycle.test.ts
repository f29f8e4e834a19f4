import test from 'ava';
import { fileURLToPath } from 'node:url';
import { createCorral, Scheduler, type Node, type Pod } from '@corral/core';
import { InMemoryBinder, makeHollowNodes, makePods, ManualClock, RecordingEvents } from '@corral/core/testing';
import { node, pod } from './helpers.js';

// The scheduler end to end, in memory, with the plugins as the shipped default config enables them.

const config = (name: string) => fileURLToPath(new URL(`../../test/configs/${name}`, import.meta.url));

async function cluster(configFile?: string, random?: () => number) {
  const corral = await createCorral({ role: 'server', ...(configFile ? { configFile } : {}) });
  const clock = new ManualClock();
  const binder = new InMemoryBinder();
  const events = new RecordingEvents();
  const scheduler = new Scheduler({ profiles: corral.schedulerProfiles, binder, events, clock, ...(random ? { random } : {}) });
  binder.source = scheduler;
  const add = (...objects: (Node | Pod)[]) => {
    for (const o of objects) (o.kind === 'Node' ? scheduler.addNode(o as Node) : scheduler.addPod(o as Pod));
  };
  // Pending pods by uid, to name the bindings (the binder keys them by uid).
  const pending = new Map<string, Pod>();
  const addPods = (...pods: Pod[]) => {
    for (const p of pods) pending.set(p.metadata.uid!, p);
    add(...pods);
  };
  /** Pod name → node, for the pods bound so far. */
  const placement = () => Object.fromEntries([...binder.bindings].map(([uid, n]) => [pending.get(uid)?.metadata.name ?? uid, n]));
  return { scheduler, binder, events, clock, add, addPods, placement };
}

test('pods land on the nodes that fit them: resources, selectors, taints and tolerations', async (t) => {
  const c = await cluster();
  c.add(
    node('small', { cpu: '1' }),
    node('big', { cpu: '8' }),
    node('ssd', { labels: { disk: 'ssd' } }),
    node('gpu', { cpu: '16', spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }),
  );
  c.addPods(
    pod('needs-cpu', { cpu: '6' }),
    pod('wants-ssd', { spec: { nodeSelector: { disk: 'ssd' } } }),
    pod('gpu-job', {
      spec: {
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gpu'] }] }] } } },
      },
    }),
  );
  await c.scheduler.schedulePending();
  t.deepEqual(c.placement(), { 'needs-cpu': 'big', 'wants-ssd': 'ssd', 'gpu-job': 'gpu' });
  t.is(c.scheduler.cache.assumedCount, 0, 'every binding was confirmed');
  t.deepEqual(c.events.bound.map((e) => e.pod).sort(), ['gpu-job', 'needs-cpu', 'wants-ssd']);
});

test('an unplaceable pod gets the aggregated message and is placed once a fitting node arrives', async (t) => {
  const c = await cluster();
  c.add(node('mem-1', { memory: '1Gi' }), node('mem-2', { memory: '1Gi' }), node('mem-3', { memory: '1Gi' }), node('port-1'), node('port-2'));
  c.add(pod('holder-1', { nodeName: 'port-1', hostPorts: [{ port: 8080 }] }), pod('holder-2', { nodeName: 'port-2', hostPorts: [{ port: 8080 }] }));
  const big = pod('big', { memory: '2Gi', hostPorts: [{ port: 8080 }] });
  c.addPods(big);
  const [outcome] = await c.scheduler.schedulePending();
  const message = "0/5 nodes are available: 2 node(s) didn't have free ports for the requested pod ports, 3 Insufficient memory.";
  t.like(outcome, { result: 'unschedulable', message });
  t.deepEqual(c.events.failed, [{ pod: 'big', message, condition: { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: c.events.failed[0]!.condition.lastTransitionTime } }]);
  t.is(c.scheduler.queue.whereIs(big), 'unschedulable');

  c.add(node('roomy', { memory: '16Gi' }));
  t.is(c.scheduler.queue.whereIs(big), 'backoff', 'the new node woke it; it waits out its 1 s backoff');
  c.clock.advance(1_000);
  await c.scheduler.schedulePending();
  t.deepEqual(c.placement(), { big: 'roomy' });
});

test('host ports: two pods asking for the same port never share a node', async (t) => {
  const c = await cluster();
  c.add(node('n1'), node('n2'));
  const pods = [1, 2, 3].map((i) => pod(`web-${i}`, { hostPorts: [{ port: 8080 }] }));
  c.addPods(...pods);
  const outcomes = await c.scheduler.schedulePending();
  t.deepEqual(outcomes.map((o) => o.result), ['assumed', 'assumed', 'unschedulable']);
  t.deepEqual(Object.values(c.placement()).sort(), ['n1', 'n2']);
  t.is(c.events.failed[0]!.message, "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.");
  // Another protocol on the same port is free.
  c.addPods(pod('dns', { hostPorts: [{ port: 8080, protocol: 'UDP' }] }));
  const [dns] = await c.scheduler.schedulePending();
  t.is(dns!.result, 'assumed');
});

test('six replicas of one ReplicaSet spread 2/2/2 over three nodes', async (t) => {
  for (const seed of [0.1, 0.5, 0.9]) {
    const c = await cluster(undefined, () => seed);
    c.add(...makeHollowNodes(3, { cpu: '4', memory: '16Gi', pods: 110 }));
    c.addPods(...makePods(6, { cpu: '100m', memory: '128Mi', replicasPerController: 6 }));
    await c.scheduler.schedulePending();
    t.deepEqual([...c.binder.countsByNode().values()], [2, 2, 2], `tie-breaker ${seed}`);
  }
});

test('a failed binding is retried, and leaks no assumed resources', async (t) => {
  const c = await cluster();
  c.add(node('n1', { cpu: '2' }));
  const p = pod('p', { cpu: '1500m' });
  c.addPods(p);
  c.binder.failNext(1, 'etcd is unavailable');
  await c.scheduler.schedulePending();
  t.like(c.events.failed[0], { pod: 'p', message: 'binding rejected: etcd is unavailable' });
  t.is(c.events.failed[0]!.condition.reason, 'SchedulerError');
  t.is(c.scheduler.cache.assumedCount, 0);
  t.is(c.scheduler.cache.nodeInfo('n1')!.requested.milliCpu, 0);
  t.is(c.scheduler.queue.whereIs(p), 'backoff');
  c.clock.advance(1_000);
  await c.scheduler.schedulePending();
  t.deepEqual(c.placement(), { p: 'n1' });
  t.is(c.scheduler.cache.nodeInfo('n1')!.requested.milliCpu, 1500);
});

test('two profiles, picked by spec.schedulerName: the default spreads, "binpack" packs', async (t) => {
  const c = await cluster(config('binpack.yaml'));
  c.add(node('busy', { cpu: '4' }), node('idle', { cpu: '4' }), pod('running', { cpu: '2', nodeName: 'busy' }));
  c.addPods(pod('spread-me', { cpu: '1' }), pod('pack-me', { cpu: '1', spec: { schedulerName: 'binpack' } }), pod('unknown', { spec: { schedulerName: 'nobody' } }));
  await c.scheduler.schedulePending();
  t.deepEqual(c.placement(), { 'spread-me': 'idle', 'pack-me': 'busy' });
  t.deepEqual(c.events.failed, [], 'a pod for a scheduler that is not ours is left alone');
});

test("score weights from the config change the choice", async (t) => {
  const nodes = () => [
    node('tainted-but-free', { cpu: '4', spec: { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] } }),
    node('clean-but-busy', { cpu: '4' }),
    pod('running', { cpu: '3', nodeName: 'clean-but-busy' }),
  ];
  const defaults = await cluster();
  defaults.add(...nodes());
  defaults.addPods(pod('p', { cpu: '1' }));
  await defaults.scheduler.schedulePending();
  t.deepEqual(defaults.placement(), { p: 'clean-but-busy' }, 'TaintToleration (weight 3) outweighs NodeResourcesFit (weight 1)');

  const weighted = await cluster(config('resources-weighted.yaml'));
  weighted.add(...nodes());
  weighted.addPods(pod('p', { cpu: '1' }));
  await weighted.scheduler.schedulePending();
  t.deepEqual(weighted.placement(), { p: 'tainted-but-free' }, 'NodeResourcesFit at weight 10 wins');
});

test('a higher-priority pod is scheduled first', async (t) => {
  const c = await cluster();
  c.add(node('only', { cpu: '1' }));
  c.addPods(pod('low', { cpu: '1', spec: { priority: 0 } }));
  c.clock.advance(10);
  c.addPods(pod('high', { cpu: '1', spec: { priority: 1000 } }));
  await c.scheduler.schedulePending();
  t.deepEqual(c.placement(), { high: 'only' });
  t.is(c.events.failed[0]!.pod, 'low');
});

test('a few hundred replicas fill fifty hollow nodes evenly', async (t) => {
  const c = await cluster();
  c.add(...makeHollowNodes(50, { cpu: '8', memory: '32Gi', pods: 110 }));
  c.addPods(...makePods(500, { cpu: '100m', memory: '256Mi', replicasPerController: 50 }));
  const outcomes = await c.scheduler.schedulePending();
  t.true(outcomes.every((o) => o.result === 'assumed'));
  const counts = [...c.binder.countsByNode().values()];
  t.is(counts.length, 50);
  t.is(Math.max(...counts), 10);
  t.is(Math.min(...counts), 10);
  t.is(c.scheduler.cache.assumedCount, 0);
  t.true(c.scheduler.stats().filterAnswersReused > 0, 'replicas reused filter answers');
});

test('cluster events wake unschedulable pods: a node uncordoned, a pod finished; heartbeats do not', async (t) => {
  const c = await cluster();
  const cordoned = node('n1', { cpu: '1', spec: { unschedulable: true } });
  c.add(cordoned);
  const p = pod('p', { cpu: '1' });
  c.addPods(p);
  await c.scheduler.schedulePending();
  t.is(c.events.failed[0]!.message, '0/1 nodes are available: 1 node(s) were unschedulable.');
  const heartbeat = { ...cordoned, status: { ...cordoned.status, conditions: [{ type: 'Ready', status: 'True' as const, lastHeartbeatTime: '2025-01-01T00:00:10Z' }] } };
  c.scheduler.updateNode(cordoned, heartbeat);
  t.is(c.scheduler.queue.whereIs(p), 'unschedulable', 'a heartbeat changes nothing the filters read');
  const uncordoned = { ...heartbeat, spec: {} };
  c.scheduler.updateNode(heartbeat, uncordoned);
  c.clock.advance(1_000);
  await c.scheduler.schedulePending();
  t.deepEqual(c.placement(), { p: 'n1' });

  const q = pod('q', { cpu: '1' });
  c.addPods(q);
  await c.scheduler.schedulePending();
  t.is(c.events.failed.at(-1)!.message, '0/1 nodes are available: 1 Insufficient cpu.');
  const bound = { ...p, spec: { ...p.spec, nodeName: 'n1' } };
  c.scheduler.updatePod(bound, { ...bound, status: { phase: 'Succeeded' } });
  t.is(c.scheduler.cache.nodeInfo('n1')!.requested.milliCpu, 0, 'a finished pod holds nothing');
  c.clock.advance(1_000);
  await c.scheduler.schedulePending();
  t.is(c.placement().q, 'n1');
});
