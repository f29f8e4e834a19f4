// Drill: the control plane goes away for 60 s. `corral server` and `corral agent` run as two
// processes; with pods running and a Service answering, the server is stopped while the agent
// carries on. The pods keep running and the Service keeps answering through the agent's proxy
// the whole time; when the server is back, no pod has restarted (same processes, restartCount 0)
// and the agent acts on new work again.
import test from 'ava';
import { PODS, type Node, type Pod, type ResourceRef, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { askWeb as get, containerPid, createWebDeployment, DEPLOYMENTS, isAlive, podWhen, startDrillCluster, NODE_NAME } from './support/drill-cluster.js';
import { Hammer } from './support/hammer.js';

const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' };
const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
const DOWN_MS = 60_000;

const running = (p: Pod) => p.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.ready) === true;

test('with the server down for 60 s the pods keep running and serving, and none restarts', async (t) => {
  const cluster = await startDrillCluster({ split: true });
  t.teardown(() => cluster.stop());
  const { client } = cluster;

  await createWebDeployment(cluster, 'still here\n', { liveness: true });
  await client.create<Pod>(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'worker', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'while true; do date +%s; sleep 1; done'] }] },
  });
  const service = await client.create<Service>(SERVICES, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  });
  const clusterIP = service.spec!.clusterIP!;
  await waitFor('the Service answering', async () => (await get(clusterIP, 80)).ok, 30_000);

  const pods = await waitFor('3 pods running', async () => {
    const items = (await client.list<Pod>(PODS, { namespace: 'default' })).items;
    return items.length === 3 && items.every(running) ? items : undefined;
  }, 30_000);
  const before = new Map<string, { pid: number; containerID: string }>();
  for (const pod of pods) before.set(pod.metadata.name!, { pid: await containerPid(cluster, pod), containerID: pod.status!.containerStatuses![0]!.containerID! });

  const hammer = new Hammer(() => get(clusterIP, 80), 50, 'still here\n');
  t.teardown(() => hammer.stop());

  // The control plane goes away; the agent stays.
  const server = cluster.children.server!;
  t.is(await server.stop('SIGTERM'), 0, server.output().slice(-2000));
  const downAt = Date.now();
  const requestsBefore = hammer.requests;
  while (Date.now() - downAt < DOWN_MS) {
    await new Promise((r) => setTimeout(r, 5_000));
    for (const [name, { pid }] of before) t.true(isAlive(pid), `${name} (pid ${pid}) runs while the server is down`);
  }
  t.true(cluster.children.agent!.process.exitCode === null, 'the agent keeps running');
  const whileDown = hammer.requests - requestsBefore;
  const failedWhileDown = hammer.failedSince(downAt).length;
  t.log(`server down ${Math.round((Date.now() - downAt) / 1000)} s: ${whileDown} requests through ${clusterIP}, ${failedWhileDown} failed`);
  t.true(whileDown > 100);
  t.is(failedWhileDown, 0, hammer.describe(hammer.failedSince(downAt), 5));

  await cluster.restartServer();
  const upAt = Date.now();
  await waitFor('the node Ready after the server returns', async () => {
    const node = await client.get<Node>(NODES, NODE_NAME);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'True' && Date.parse(ready.lastHeartbeatTime ?? '') > downAt + DOWN_MS ? node : undefined;
  }, 30_000);

  t.log(`the node Ready again ${Date.now() - upAt} ms after the server restarted`);
  // No pod restarted: the same containers, the same processes, restartCount 0, all still there.
  const after = (await client.list<Pod>(PODS, { namespace: 'default' })).items;
  t.deepEqual(after.map((p) => p.metadata.name).sort(), [...before.keys()].sort());
  for (const pod of after) {
    const was = before.get(pod.metadata.name!)!;
    const status = pod.status?.containerStatuses?.[0];
    t.is(status?.containerID, was.containerID, `${pod.metadata.name}: the same container`);
    t.is(status?.restartCount, 0, `${pod.metadata.name}: never restarted`);
    t.is(pod.status?.phase, 'Running');
    t.is(await containerPid(cluster, pod), was.pid);
    t.true(isAlive(was.pid));
  }

  // The agent acts on new work: a deleted pod's process stops, a new replica starts.
  const worker = before.get('worker')!;
  await client.delete(PODS, 'worker', { namespace: 'default', gracePeriodSeconds: 1 });
  await waitFor('the deleted pod stopped', () => !isAlive(worker.pid), 30_000);
  const scaledAt = Date.now();
  await client.patch(DEPLOYMENTS, 'web', { spec: { replicas: 3 } }, 'merge');
  const third = await waitFor('a third replica running', async () => {
    const items = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items;
    return items.length === 3 && items.every(running) ? items.find((p) => !before.has(p.metadata.name!)) : undefined;
  }, 30_000);
  t.truthy(await podWhen(client, third.metadata.name!, 'Running', running));

  await hammer.stop();
  const since = (at: number) => hammer.failedSince(at).length;
  t.log(`${hammer.requests} requests in all, ${hammer.failures.length} failed: ${since(upAt)} after the server returned, ${since(scaledAt)} after the scale-up`);
  t.is(hammer.failures.length, 0, hammer.describe(hammer.failures, 5));
});
