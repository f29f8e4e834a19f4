import test from 'ava';
import { ObjectCache, selectorFromSet, type Deployment, type Pod, type ReplicaSet } from '@corral/core';
import { classify, computeReplicaStatus, DeploymentConditionReasons, historyToDelete, InFlight, nextStatus, REPLICA_FAILURE } from '../src/index.js';

const owner = { metadata: { name: 'web', namespace: 'default', uid: 'rc-1' } };
const controlled = (uid: string) => [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'x', uid, controller: true }];

function pod(name: string, labels: Record<string, string>, refs?: ReturnType<typeof controlled>, extra: Partial<Pod['metadata']> = {}): Pod {
  return { metadata: { name, namespace: 'default', labels, ...(refs ? { ownerReferences: refs } : {}), ...extra }, spec: { containers: [] } };
}

test('claim: owned, adopt orphans that match, release controlled pods that stopped matching, ignore others', (t) => {
  const selector = selectorFromSet({ app: 'web' });
  const pods = [
    pod('mine', { app: 'web' }, controlled('rc-1')),
    pod('orphan', { app: 'web' }),
    pod('relabelled', { app: 'debug' }, controlled('rc-1')),
    pod('foreign', { app: 'web' }, controlled('rc-2')),
    pod('orphan-other', { app: 'db' }),
    pod('orphan-terminating', { app: 'web' }, undefined, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
  ];
  const claim = classify(owner, selector, pods);
  t.deepEqual(claim.owned.map((p) => p.metadata.name), ['mine']);
  t.deepEqual(claim.adopt.map((p) => p.metadata.name), ['orphan']);
  t.deepEqual(claim.release.map((p) => p.metadata.name), ['relabelled']);
});

test('claim: an owner being deleted neither adopts nor releases', (t) => {
  const deleting = { metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  const claim = classify(deleting, selectorFromSet({ app: 'web' }), [pod('orphan', { app: 'web' }), pod('relabelled', { app: 'x' }, controlled('rc-1'))]);
  t.deepEqual(claim, { owned: [], adopt: [], release: [] });
});

test('replica status counts ready, available after minReadySeconds and fully labelled pods', (t) => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  const ready = (name: string, at: string, labels = { app: 'web', tier: 'fe' }): Pod => ({
    ...pod(name, labels),
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] },
  });
  const rs = { metadata: { generation: 4 }, spec: { minReadySeconds: 30, template: { metadata: { labels: { app: 'web', tier: 'fe' } } } } };
  const pods = [ready('a', '2026-01-01T00:00:00Z'), ready('b', '2026-01-01T00:00:50Z'), ready('c', '2026-01-01T00:00:00Z', { app: 'web', tier: '' }), pod('d', { app: 'web', tier: 'fe' })];
  const { status, requeueAfterMs } = computeReplicaStatus(rs, pods, now);
  t.like(status, { replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 2, observedGeneration: 4 });
  t.is(requeueAfterMs, 20_010);
  const failed = computeReplicaStatus(rs, [], now, { reason: 'FailedCreate', message: 'quota' });
  t.like(failed.status.conditions?.[0], { type: REPLICA_FAILURE, status: 'True', reason: 'FailedCreate' });
  t.is(computeReplicaStatus({ ...rs, status: failed.status }, [], now).status.conditions, undefined);
});

test('in-flight creates hold a sync back until the cache shows them or passed their revision', (t) => {
  let now = 0;
  const inFlight = new InFlight({ now: () => now });
  const cache = new ObjectCache();
  inFlight.created('default/web', { metadata: { name: 'web-a', namespace: 'default', resourceVersion: '10' } });
  inFlight.created('default/web', { metadata: { name: 'web-b', namespace: 'default', resourceVersion: '11' } });
  t.false(inFlight.satisfied('default/web', cache, '9'));
  cache.set({ metadata: { name: 'web-a', namespace: 'default', uid: 'a' } });
  t.false(inFlight.satisfied('default/web', cache, '10'));
  // web-b was created and deleted before the cache saw it: the revision has passed.
  t.true(inFlight.satisfied('default/web', cache, '12'));
  inFlight.deleted('default/web', { metadata: { name: 'web-a', namespace: 'default', uid: 'a' } });
  t.false(inFlight.satisfied('default/web', cache, '12'));
  cache.remove('default/web-a');
  t.true(inFlight.satisfied('default/web', cache, '13'));
  // A record older than the time limit stops holding back.
  inFlight.created('default/web', { metadata: { name: 'web-c', namespace: 'default', resourceVersion: '20' } });
  now = 10 * 60 * 1000;
  t.true(inFlight.satisfied('default/web', cache, '13'));
});

const deployment = (extra: Partial<Deployment['spec']> = {}, status?: Deployment['status']): Deployment => ({
  metadata: { name: 'web', namespace: 'default', generation: 2 },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } }, progressDeadlineSeconds: 60, ...extra },
  ...(status ? { status } : {}),
});
const replicaSet = (name: string, replicas: number, available: number, revision: number): ReplicaSet => ({
  metadata: { name, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, generation: 1 },
  spec: { replicas, selector: {} },
  status: { replicas, availableReplicas: available, readyReplicas: available, observedGeneration: 1 },
});

test('deployment status: complete, progressing, then past the deadline', (t) => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const done = nextStatus(deployment(), [replicaSet('web-a', 3, 3, 1)], replicaSet('web-a', 3, 3, 1), t0);
  t.like(done.status, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 0, observedGeneration: 2 });
  t.is(done.status.conditions?.find((c) => c.type === 'Progressing')?.reason, DeploymentConditionReasons.newRSAvailable);
  t.is(done.status.conditions?.find((c) => c.type === 'Available')?.status, 'True');

  const newRS = replicaSet('web-b', 1, 0, 2);
  const started = nextStatus(deployment({}, done.status), [replicaSet('web-a', 3, 3, 1), newRS], newRS, t0, 'created');
  t.is(started.status.conditions?.find((c) => c.type === 'Progressing')?.reason, DeploymentConditionReasons.newRSCreated);
  t.is(started.requeueAfterMs, 60_010);
  const stuck = nextStatus(deployment({}, started.status), [replicaSet('web-a', 3, 3, 1), newRS], newRS, t0 + 61_000);
  const progressing = stuck.status.conditions?.find((c) => c.type === 'Progressing');
  t.like(progressing, { status: 'False', reason: DeploymentConditionReasons.deadlineExceeded });
  t.like(nextStatus(deployment({ paused: true }, stuck.status), [newRS], newRS, t0).status.conditions?.find((c) => c.type === 'Progressing'), {
    status: 'Unknown',
    reason: DeploymentConditionReasons.paused,
  });
});

test('revision history: only settled empty old ReplicaSets past the limit go, oldest revision first', (t) => {
  const olds = [replicaSet('r3', 0, 0, 3), replicaSet('r1', 0, 0, 1), replicaSet('r2', 0, 0, 2), replicaSet('busy', 1, 1, 4)];
  t.deepEqual(historyToDelete(deployment({ revisionHistoryLimit: 2 }), olds).map((rs) => rs.metadata.name), ['r1', 'r2']);
  t.deepEqual(historyToDelete(deployment({ revisionHistoryLimit: 10 }), olds), []);
});
