// The Deployment controller through the real API, with a hollow agent that runs bound pods.
import test from 'ava';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import type { Deployment, ReplicaSet } from '@corral/core';
import { DEPLOYMENTS, REPLICA_SETS } from '../src/index.js';
import { activePods, createNamespace, eventually, imageOf, isReady, PodWatcher, scaleTo, sleep, template } from './helpers.js';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-workloads'], hollow: 3 });
});

test.after.always(async () => {
  await cp?.stop();
});

function deployment(name: string, replicas: number, image: string, spec: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: template({ app: name }, image), ...spec },
  };
}

const NO_NODE = { nodeSelector: { 'corral.dev/no-such-node': 'true' } };

async function get(ns: string, name: string): Promise<Deployment> {
  return cp.client.get<Deployment>(DEPLOYMENTS, name, { namespace: ns });
}

async function replicaSets(ns: string): Promise<ReplicaSet[]> {
  return (await cp.client.list<ReplicaSet>(REPLICA_SETS, { namespace: ns })).items;
}

function progressing(d: Deployment) {
  return d.status?.conditions?.find((c) => c.type === 'Progressing');
}

/** The rollout is done: every replica updated and available, no old ones left. */
async function rolledOut(ns: string, name: string, ms?: number): Promise<Deployment> {
  return eventually(
    `deployment ${name} rolled out`,
    async () => {
      const d = await get(ns, name);
      const s = d.status;
      const want = d.spec.replicas;
      const done = s && s.observedGeneration === d.metadata.generation && s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want;
      return done && progressing(d)?.reason === 'NewReplicaSetAvailable' ? d : undefined;
    },
    ms,
  );
}

async function setImage(ns: string, name: string, image: string, annotations?: Record<string, string>): Promise<void> {
  const patch: Record<string, unknown> = { spec: { template: { spec: { containers: [{ name: 'web', image }] } } } };
  if (annotations) patch.metadata = { annotations };
  await cp.client.patch(DEPLOYMENTS, name, patch, 'strategic', { namespace: ns });
}

test('a rolling update from v1 to v2 with maxSurge 1 / maxUnavailable 0 stays within bounds at every pod event', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-rolling');
  const strategy = { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  await cp.client.create(DEPLOYMENTS, deployment('web', 3, 'nginx:1.7', { strategy }), { namespace: ns });
  const v1 = await rolledOut(ns, 'web');
  t.is(v1.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');

  const watcher = await PodWatcher.start(cp.client, ns, (pods) => {
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    const ready = active.filter(isReady);
    if (active.length > 4) return `${active.length} pods (more than 3 + maxSurge 1)`;
    if (ready.length < 3) return `${ready.length} ready pods (fewer than 3 - maxUnavailable 0)`;
    return undefined;
  });
  await setImage(ns, 'web', 'nginx:1.9', { 'kubernetes.io/change-cause': 'upgrade to 1.9' });
  const v2 = await rolledOut(ns, 'web');
  await eventually('old pods gone', async () => ((await activePods(cp.client, ns)).every((p) => imageOf(p) === 'nginx:1.9') ? true : undefined));
  await watcher.stop();
  t.deepEqual(watcher.violations, []);
  t.true(watcher.events > 10, `${watcher.events} pod events watched`);

  t.is(v2.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  const sets = await replicaSets(ns);
  t.is(sets.length, 2);
  const newRS = sets.find((rs) => rs.spec.template?.spec.containers[0]?.image === 'nginx:1.9')!;
  const hash = newRS.metadata.labels?.['pod-template-hash'];
  t.truthy(hash);
  t.is(newRS.metadata.name, `web-${hash}`);
  t.is(newRS.spec.replicas, 3);
  t.is(newRS.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  t.is(newRS.metadata.annotations?.['kubernetes.io/change-cause'], 'upgrade to 1.9');
  t.is(sets.find((rs) => rs !== newRS)!.spec.replicas, 0);
  const pods = await activePods(cp.client, ns);
  t.is(pods.length, 3);
  t.true(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hash));
  t.like(v2.status, { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
  t.is(v2.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');
});

test('Recreate: all old pods are gone before any new pod exists', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-recreate');
  await cp.client.create(DEPLOYMENTS, deployment('web', 3, 'nginx:1.7', { strategy: { type: 'Recreate' } }), { namespace: ns });
  await rolledOut(ns, 'web');
  const watcher = await PodWatcher.start(cp.client, ns, (pods) => {
    const old = pods.filter((p) => imageOf(p) === 'nginx:1.7');
    const fresh = pods.filter((p) => imageOf(p) === 'nginx:1.9');
    return old.length > 0 && fresh.length > 0 ? `${old.length} old and ${fresh.length} new pods at once` : undefined;
  });
  await setImage(ns, 'web', 'nginx:1.9');
  await rolledOut(ns, 'web');
  await watcher.stop();
  t.deepEqual(watcher.violations, []);
  const pods = await activePods(cp.client, ns);
  t.is(pods.length, 3);
  t.true(pods.every((p) => imageOf(p) === 'nginx:1.9'));
});

test('a change in the middle of a rollout: the newest template wins and the intermediate ReplicaSet goes to 0', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-midway');
  await cp.client.create(DEPLOYMENTS, deployment('web', 5, 'nginx:1.7'), { namespace: ns });
  await rolledOut(ns, 'web');
  // 1.8's pods never become ready: that rollout is stuck in the middle.
  await cp.client.patch(DEPLOYMENTS, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.8' }], ...NO_NODE } } } }, 'strategic', { namespace: ns });
  await eventually('1.8 pods created', async () => ((await activePods(cp.client, ns)).some((p) => imageOf(p) === 'nginx:1.8') ? true : undefined));
  const watcher = await PodWatcher.start(cp.client, ns, (pods) => {
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    // 5 + maxSurge 25% (2, rounded up).
    return active.length > 7 ? `${active.length} pods` : undefined;
  });
  await cp.client.patch(DEPLOYMENTS, 'web', [{ op: 'replace', path: '/spec/template', value: template({ app: 'web' }, 'nginx:1.9') }], 'json', { namespace: ns });
  const d = await rolledOut(ns, 'web');
  await watcher.stop();
  t.deepEqual(watcher.violations, []);
  t.is(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  const sets = await replicaSets(ns);
  t.is(sets.length, 3);
  for (const rs of sets) {
    const image = rs.spec.template?.spec.containers[0]?.image;
    t.is(rs.spec.replicas, image === 'nginx:1.9' ? 5 : 0, `${rs.metadata.name} (${image})`);
  }
  const pods = await eventually('only 1.9 pods', async () => {
    const now = await activePods(cp.client, ns);
    return now.every((p) => imageOf(p) === 'nginx:1.9') ? now : undefined;
  });
  t.is(pods.length, 5);
});

test('paused: a template change starts no rollout but scaling works; resumed, the rollout runs', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-pause');
  await cp.client.create(DEPLOYMENTS, deployment('web', 2, 'nginx:1.7'), { namespace: ns });
  await rolledOut(ns, 'web');
  await cp.client.patch(DEPLOYMENTS, 'web', { spec: { paused: true } }, 'merge', { namespace: ns });
  await setImage(ns, 'web', 'nginx:1.9');
  await scaleTo(cp.client, DEPLOYMENTS, 'web', 4, ns);
  const paused = await eventually('paused and scaled', async () => {
    const d = await get(ns, 'web');
    const pods = await activePods(cp.client, ns);
    return d.status?.observedGeneration === d.metadata.generation && progressing(d)?.reason === 'DeploymentPaused' && pods.length === 4 ? d : undefined;
  });
  t.is(progressing(paused)?.status, 'Unknown');
  await sleep(500);
  t.is((await replicaSets(ns)).length, 1);
  t.true((await activePods(cp.client, ns)).every((p) => imageOf(p) === 'nginx:1.7'));

  await cp.client.patch(DEPLOYMENTS, 'web', { spec: { paused: null } }, 'merge', { namespace: ns });
  await rolledOut(ns, 'web');
  const pods = await eventually('4 pods of 1.9', async () => {
    const now = await activePods(cp.client, ns);
    return now.length === 4 && now.every((p) => imageOf(p) === 'nginx:1.9') ? now : undefined;
  });
  t.is(pods.length, 4);
});

test('revisionHistoryLimit keeps only that many old ReplicaSets', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-history');
  await cp.client.create(DEPLOYMENTS, deployment('web', 1, 'nginx:1.7', { revisionHistoryLimit: 1 }), { namespace: ns });
  await rolledOut(ns, 'web');
  for (const image of ['nginx:1.8', 'nginx:1.9', 'nginx:1.10']) {
    await setImage(ns, 'web', image);
    await rolledOut(ns, 'web');
  }
  const sets = await eventually('history trimmed to 1 old ReplicaSet', async () => {
    const now = await replicaSets(ns);
    return now.length === 2 ? now : undefined;
  });
  const images = sets.map((rs) => rs.spec.template?.spec.containers[0]?.image).sort();
  t.deepEqual(images, ['nginx:1.10', 'nginx:1.9']);
  const revisions = sets.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
  t.deepEqual(revisions, ['3', '4']);
});

test('a rollout whose pods never become ready exceeds its progress deadline', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-deadline');
  await cp.client.create(DEPLOYMENTS, deployment('web', 2, 'nginx:1.7', { progressDeadlineSeconds: 2 }), { namespace: ns });
  await rolledOut(ns, 'web');
  await cp.client.patch(DEPLOYMENTS, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.9' }], ...NO_NODE } } } }, 'strategic', { namespace: ns });
  const stuck = await eventually('ProgressDeadlineExceeded', async () => {
    const d = await get(ns, 'web');
    return progressing(d)?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
  });
  t.is(progressing(stuck)?.status, 'False');
  t.regex(progressing(stuck)?.message ?? '', /has timed out progressing/);
  // The old pods keep serving: maxUnavailable 25% of 2 rounds down to 0.
  t.is((await activePods(cp.client, ns)).filter((p) => imageOf(p) === 'nginx:1.7' && isReady(p)).length, 2);
});

test('resizing in the middle of a rollout spreads the change over both ReplicaSets', async (t) => {
  const ns = await createNamespace(cp.client, 'deploy-proportional');
  await cp.client.create(DEPLOYMENTS, deployment('web', 10, 'nginx:1.7'), { namespace: ns });
  await rolledOut(ns, 'web');
  // A stuck rollout: 1.9's pods never become ready.
  await cp.client.patch(DEPLOYMENTS, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.9' }], ...NO_NODE } } } }, 'strategic', { namespace: ns });
  const replicasOf = (sets: ReplicaSet[], image: string) => sets.find((rs) => rs.spec.template?.spec.containers[0]?.image === image)?.spec.replicas ?? 0;
  // 10 + maxSurge 3 pods at most, 10 - maxUnavailable 2 available at least: 8 old and 5 new.
  const before = await eventually('the stuck rollout settled at 8 old and 5 new', async () => {
    const sets = await replicaSets(ns);
    return replicasOf(sets, 'nginx:1.7') === 8 && replicasOf(sets, 'nginx:1.9') === 5 ? sets : undefined;
  });
  t.is(before.length, 2);
  await sleep(300);
  t.is((await replicaSets(ns)).reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0), 13);
  await scaleTo(cp.client, DEPLOYMENTS, 'web', 20, ns);
  // 20 + maxSurge 25% (5): 25 in all, each ReplicaSet in proportion to its size.
  const after = await eventually('both ReplicaSets scaled', async () => {
    const sets = await replicaSets(ns);
    return sets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0) === 25 ? sets : undefined;
  });
  t.is(replicasOf(after, 'nginx:1.7'), 15);
  t.is(replicasOf(after, 'nginx:1.9'), 10);
  t.true(after.every((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'] === '20'));
});

test('minReadySeconds: a ready pod counts as available only after that long', async (t) => {
  const ns = await createNamespace(cp.client, 'rs-min-ready');
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'slow' },
    spec: { replicas: 2, minReadySeconds: 5, selector: { matchLabels: { app: 'slow' } }, template: template({ app: 'slow' }) },
  };
  await cp.client.create(REPLICA_SETS, rs, { namespace: ns });
  const ready = await eventually('2 ready', async () => {
    const current = await cp.client.get<ReplicaSet>(REPLICA_SETS, 'slow', { namespace: ns });
    return current.status?.readyReplicas === 2 ? current : undefined;
  });
  t.true((ready.status?.availableReplicas ?? 0) < 2, 'not yet available when first ready');
  const available = await eventually('2 available', async () => {
    const current = await cp.client.get<ReplicaSet>(REPLICA_SETS, 'slow', { namespace: ns });
    return current.status?.availableReplicas === 2 ? current : undefined;
  });
  t.is(available.status?.readyReplicas, 2);
});
