// The ReplicationController and ReplicaSet controllers through the real API.
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import type { Pod, ReplicaSet, ReplicationController } from '@corral/core';
import { PODS, REPLICA_SETS, REPLICATION_CONTROLLERS } from '../src/index.js';
import { deniedPodCreates } from './fixtures/deny-pods.js';
import { activePods, createNamespace, eventually, ownedBy, PodWatcher, scaleTo, sleep, template } from './helpers.js';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-workloads', fileURLToPath(new URL('./fixtures/deny-pods.js', import.meta.url))] });
});

test.after.always(async () => {
  await cp?.stop();
});

function rc(name: string, replicas: number, labels: Record<string, string>): ReplicationController {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { replicas, selector: labels, template: template(labels) } };
}

async function exactly(ns: string, selector: string, n: number): Promise<Pod[]> {
  return eventually(`${n} pods with ${selector} in ${ns}`, async () => {
    const pods = await activePods(cp.client, ns, selector);
    return pods.length === n ? pods : undefined;
  });
}

test('an RC keeps 3 pods: a deleted pod is replaced', async (t) => {
  const ns = await createNamespace(cp.client, 'rc-keep');
  const created = await cp.client.create(REPLICATION_CONTROLLERS, rc('web', 3, { app: 'web' }), { namespace: ns });
  const pods = await exactly(ns, 'app=web', 3);
  t.true(pods.every((p) => ownedBy(p, created) && p.metadata.name!.startsWith('web-')));
  await cp.client.delete(PODS, pods[0]!.metadata.name!, { namespace: ns });
  const after = await eventually('a replacement pod', async () => {
    const now = await activePods(cp.client, ns, 'app=web');
    return now.length === 3 && !now.some((p) => p.metadata.name === pods[0]!.metadata.name) ? now : undefined;
  });
  t.is(after.length, 3);
  const status = await eventually('status.replicas 3', async () => {
    const current = await cp.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'web', { namespace: ns });
    return current.status?.replicas === 3 && current.status.observedGeneration === current.metadata.generation ? current.status : undefined;
  });
  t.is(status.fullyLabeledReplicas, 3);
});

test('changing a pod\'s label takes it out of the RC, and a new one is made', async (t) => {
  const ns = await createNamespace(cp.client, 'rc-release');
  const created = await cp.client.create(REPLICATION_CONTROLLERS, rc('web', 2, { app: 'web' }), { namespace: ns });
  const pods = await exactly(ns, 'app=web', 2);
  const victim = pods[0]!.metadata.name!;
  await cp.client.patch(PODS, victim, { metadata: { labels: { app: 'debug' } } }, 'merge', { namespace: ns });
  const released = await eventually('the pod released', async () => {
    const pod = await cp.client.get<Pod>(PODS, victim, { namespace: ns });
    return ownedBy(pod, created) ? undefined : pod;
  });
  t.deepEqual(released.metadata.ownerReferences ?? [], []);
  const now = await exactly(ns, 'app=web', 2);
  t.false(now.some((p) => p.metadata.name === victim));
  // Labelled back, it is adopted again and one pod too many goes.
  await cp.client.patch(PODS, victim, { metadata: { labels: { app: 'web' } } }, 'merge', { namespace: ns });
  await exactly(ns, 'app=web', 2);
});

test('a ReplicaSet adopts matching orphans instead of creating, and leaves pods of other controllers alone', async (t) => {
  const ns = await createNamespace(cp.client, 'rs-adopt');
  const orphan = await cp.client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'db' } }, spec: template({}).spec }, { namespace: ns });
  const other = await cp.client.create(REPLICATION_CONTROLLERS, rc('other', 1, { app: 'db', owner: 'other' }), { namespace: ns });
  const foreign = (await exactly(ns, 'owner=other', 1))[0]!;
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'db' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) },
  };
  const created = await cp.client.create(REPLICA_SETS, rs, { namespace: ns });
  const pods = await eventually('2 pods owned by the ReplicaSet', async () => {
    const all = (await activePods(cp.client, ns, 'app=db')).filter((p) => ownedBy(p, created));
    return all.length === 2 ? all : undefined;
  });
  t.true(pods.some((p) => p.metadata.uid === orphan.metadata.uid));
  const stillForeign = await cp.client.get<Pod>(PODS, foreign.metadata.name!, { namespace: ns });
  t.true(ownedBy(stillForeign, other));
  await sleep(300);
  t.is((await activePods(cp.client, ns, 'app=db')).length, 3);
});

test('scaling down removes unscheduled pods before scheduled, not-ready before ready', async (t) => {
  const ns = await createNamespace(cp.client, 'rc-scale');
  const created = await cp.client.create(REPLICATION_CONTROLLERS, rc('web', 4, { app: 'web' }), { namespace: ns });
  const pods = await exactly(ns, 'app=web', 4);
  t.true(pods.every((p) => ownedBy(p, created)));
  // Two pods look scheduled and ready, one scheduled but not ready, one unscheduled.
  const [a, b, c] = pods;
  for (const [pod, ready] of [[a!, true], [b!, true], [c!, false]] as const) {
    await cp.client.create(PODS, { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } } as never, { namespace: ns, subresource: 'binding' });
    const fresh = await cp.client.get<Pod>(PODS, pod.metadata.name!, { namespace: ns });
    const at = new Date().toISOString();
    await cp.client.updateStatus(PODS, { ...fresh, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at }] } }, { namespace: ns });
  }
  await scaleTo(cp.client, REPLICATION_CONTROLLERS, 'web', 2, ns);
  const left = await exactly(ns, 'app=web', 2);
  t.deepEqual(left.map((p) => p.metadata.name).sort(), [a!.metadata.name, b!.metadata.name].sort());
  await scaleTo(cp.client, REPLICATION_CONTROLLERS, 'web', 3, ns);
  await exactly(ns, 'app=web', 3);
});

test('a burst of syncs while creating makes exactly the replicas, never more', async (t) => {
  const ns = await createNamespace(cp.client, 'rc-stale');
  const seen = new Set<string>();
  const watcher = await PodWatcher.start(cp.client, ns, (pods) => {
    for (const pod of pods) seen.add(pod.metadata.name!);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp).length;
    return active > 40 ? `${active} pods` : undefined;
  });
  await cp.client.create(REPLICATION_CONTROLLERS, rc('burst', 40, { app: 'burst' }), { namespace: ns });
  // Every write below brings the RC back to the queue while its creates are in flight.
  for (let i = 0; i < 20; i++) {
    await cp.client.patch(REPLICATION_CONTROLLERS, 'burst', { metadata: { labels: { app: 'burst', touch: String(i) } } }, 'merge', { namespace: ns });
  }
  await exactly(ns, 'app=burst', 40);
  await sleep(1000);
  await watcher.stop();
  t.deepEqual(watcher.violations, []);
  t.is(seen.size, 40, 'every pod ever created');
  t.is((await activePods(cp.client, ns, 'app=burst')).length, 40);
});

test('a failing create sets ReplicaFailure and does not flood the API (slow start)', async (t) => {
  const ns = await createNamespace(cp.client, 'rc-fail');
  const before = deniedPodCreates();
  const bad = rc('bad', 50, { app: 'bad' });
  bad.spec.template = template({ app: 'bad', 'deny-create': 'true' });
  const created = await cp.client.create(REPLICATION_CONTROLLERS, bad, { namespace: ns });
  const condition = await eventually('ReplicaFailure', async () => {
    const current = await cp.client.get<ReplicationController>(REPLICATION_CONTROLLERS, created.metadata.name!, { namespace: ns });
    return current.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  });
  t.like(condition, { status: 'True', reason: 'FailedCreate' });
  t.regex(condition.message ?? '', /deny-create/);
  // The first batch is one pod: each sync tries once, not 50 times.
  const attempts = deniedPodCreates() - before;
  t.true(attempts >= 1 && attempts < 10, `${attempts} create attempts`);
  t.is((await activePods(cp.client, ns)).length, 0);
  // Fixed, the failure clears.
  await cp.client.patch(REPLICATION_CONTROLLERS, 'bad', { spec: { replicas: 2, template: { metadata: { labels: { 'deny-create': 'false' } } } } }, 'merge', { namespace: ns });
  await exactly(ns, 'app=bad', 2);
  await eventually('ReplicaFailure cleared', async () => {
    const current = await cp.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'bad', { namespace: ns });
    return current.status?.conditions?.some((c) => c.type === 'ReplicaFailure') ? undefined : true;
  });
});
