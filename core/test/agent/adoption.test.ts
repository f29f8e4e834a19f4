// Restart safety: a restarted agent adopts what the runtime runs without restarting it, stops
// what no longer belongs to the node, and keeps pods running while the API is away.
import test from 'ava';
import { PODS } from '../../src/client/index.js';
import { createPod, pod, podUntil, startAgentEnv, waitFor } from './helpers.js';

test('a restarted agent adopts running containers without restarting them', async (t) => {
  const env = await startAgentEnv(t);
  await createPod(env.client, pod('kept', { containers: [{ name: 'a', image: 'nginx:1.25', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 } }, { name: 'b', image: 'busybox:1' }] }));
  const before = await podUntil(env.client, 'kept', 'ready', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
  const ids = before.status!.containerStatuses!.map((c) => c.containerID);
  const starts = env.runtime.calls.filter((c) => c.startsWith('startContainer')).length;
  const sandboxes = env.runtime.calls.filter((c) => c.startsWith('runPodSandbox')).length;

  await env.restartAgent();
  await env.agent.ready();
  // Give the new agent time for its first syncs, relists and probe rounds.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const after = await podUntil(env.client, 'kept', 'ready again', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
  // On a mismatch, the runtime's call log says what the new agent did instead of adopting.
  t.deepEqual(after.status!.containerStatuses!.map((c) => c.containerID), ids, `runtime calls: ${env.runtime.calls.join(', ')}`);
  t.deepEqual(after.status!.containerStatuses!.map((c) => c.restartCount), [0, 0]);
  t.is(env.runtime.calls.filter((c) => c.startsWith('startContainer')).length, starts, 'no container was started again');
  t.is(env.runtime.calls.filter((c) => c.startsWith('runPodSandbox')).length, sandboxes, 'no sandbox was made again');
  t.is(after.status?.startTime, before.status?.startTime);
});

test('an agent restarted while the API is away leaves its pods running until the pod list arrives', async (t) => {
  const env = await startAgentEnv(t, {}, { link: true });
  await createPod(env.client, pod('waits', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  const before = await podUntil(env.client, 'waits', 'Running', (p) => p.status?.phase === 'Running');
  await env.agent.stop();
  await env.link!.cut();
  const calls = env.runtime.calls.length;
  await env.restartAgent();
  // Many relists (every 50 ms) see the pod's container; none of them may count it an orphan.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const meanwhile = env.runtime.calls.slice(calls).filter((c) => !c.startsWith('exec'));
  t.deepEqual(meanwhile.filter((c) => /^(stop|remove|runPodSandbox|createContainer)/.test(c)), [], `runtime calls: ${meanwhile.join(', ')}`);
  t.is(env.runtime.running().length, 1);
  await env.link!.open();
  await env.agent.ready();
  const after = await podUntil(env.client, 'waits', 'Running', (p) => p.status?.phase === 'Running');
  t.deepEqual(after.status!.containerStatuses!.map((c) => c.containerID), before.status!.containerStatuses!.map((c) => c.containerID));
  t.false(env.runtime.calls.slice(calls).some((c) => c.startsWith('runPodSandbox')), 'no sandbox was made again');
});

test('what no longer belongs to the node is stopped and removed after a restart', async (t) => {
  const env = await startAgentEnv(t);
  const gone = await createPod(env.client, pod('gone', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await createPod(env.client, pod('stays', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'gone', 'Running', (p) => p.status?.phase === 'Running');
  await podUntil(env.client, 'stays', 'Running', (p) => p.status?.phase === 'Running');
  await env.agent.stop();
  // Deleted for good while the agent was away.
  await env.client.delete(PODS, 'gone', { namespace: 'default', gracePeriodSeconds: 0 });
  await env.restartAgent();
  await waitFor('the orphan removed', () => ![...env.runtime.sandboxes.values()].some((s) => s.config.uid === gone.metadata.uid));
  t.false([...env.runtime.containers.values()].some((c) => c.config.labels['corral.dev/pod-uid'] === gone.metadata.uid));
  t.is(env.runtime.running().length, 1, 'the other pod still runs');
});

test('with the API unreachable, pods keep running (and restarting); status catches up after', async (t) => {
  const env = await startAgentEnv(t, {}, { link: true });
  await createPod(env.client, pod('steady', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  const running = await podUntil(env.client, 'steady', 'Running', (p) => p.status?.phase === 'Running');
  t.is(running.status!.containerStatuses![0]!.restartCount, 0);
  await env.link!.cut();
  const [first] = env.runtime.containersOf('app');
  env.runtime.exit(first!.id, 1);
  // The agent restarts it from its cache, with no API to talk to.
  await waitFor('a new instance running', () => env.runtime.containersOf('app').some((c) => c.id !== first!.id && c.state === 'CONTAINER_RUNNING'));
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.is(env.runtime.running().length, 1);
  const stale = await env.client.get<import('../../src/api/index.js').Pod>(PODS, 'steady', { namespace: 'default' });
  t.is(stale.status!.containerStatuses![0]!.restartCount, 0, 'the API did not hear of it yet');
  await env.link!.open();
  const caught = await podUntil(env.client, 'steady', 'status caught up', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0]!.state?.running !== undefined, 20_000);
  t.is(caught.status?.phase, 'Running');
});

test('admission: pods the node cannot hold are rejected with kubelet reasons', async (t) => {
  const env = await startAgentEnv(t, { capacity: { cpu: '2', memory: '1Gi', pods: 3 } });
  await createPod(env.client, pod('big', { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu: '3' } } }] }));
  const big = await podUntil(env.client, 'big', 'Failed', (p) => p.status?.phase === 'Failed');
  t.is(big.status?.reason, 'OutOfcpu');
  t.regex(big.status?.message ?? '', /Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 0, capacity: 2000/);
  t.false(env.runtime.calls.some((c) => c.startsWith('runPodSandbox big')));

  await createPod(env.client, pod('hungry', { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { memory: '2Gi' } } }] }));
  t.is((await podUntil(env.client, 'hungry', 'Failed', (p) => p.status?.phase === 'Failed')).status?.reason, 'OutOfmemory');

  await createPod(env.client, pod('port-a', { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80, hostPort: 8080 }] }] }));
  await podUntil(env.client, 'port-a', 'Running', (p) => p.status?.phase === 'Running');
  await createPod(env.client, pod('port-b', { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 81, hostPort: 8080 }] }] }));
  t.is((await podUntil(env.client, 'port-b', 'Failed', (p) => p.status?.phase === 'Failed')).status?.reason, 'NodePorts');
  const sandbox = [...env.runtime.sandboxes.values()].find((s) => s.config.name === 'port-a')!;
  t.deepEqual(sandbox.config.portMappings, [{ protocol: 'TCP', containerPort: 80, hostPort: 8080 }]);

  await createPod(env.client, pod('two', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await createPod(env.client, pod('three', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'two', 'Running', (p) => p.status?.phase === 'Running');
  await podUntil(env.client, 'three', 'Running', (p) => p.status?.phase === 'Running');
  await createPod(env.client, pod('four', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  t.is((await podUntil(env.client, 'four', 'Failed', (p) => p.status?.phase === 'Failed')).status?.reason, 'OutOfpods');
});
