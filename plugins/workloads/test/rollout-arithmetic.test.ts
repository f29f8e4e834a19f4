import test from 'ava';
import { newReplicaSetTarget, oldReplicaSetTargets, proportionalTargets, resolveFenceposts, scaledValue } from '../src/index.js';

const rs = (replicas: number, available = replicas, pods = replicas) => ({ replicas, available, pods });

test('percentages round as Kubernetes: surge up, unavailable down', (t) => {
  t.deepEqual(resolveFenceposts({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, 10), { maxSurge: 3, maxUnavailable: 2 });
  t.deepEqual(resolveFenceposts({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, 3), { maxSurge: 1, maxUnavailable: 0 });
  t.is(scaledValue('33%', 3, true), 1);
  t.is(scaledValue('33%', 3, false), 0);
  t.is(scaledValue('2', 3, false), 2);
});

test('both bounds zero would deadlock: unavailable becomes 1', (t) => {
  t.deepEqual(resolveFenceposts({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } }, 5), { maxSurge: 0, maxUnavailable: 1 });
});

test('a bad value names the field', (t) => {
  const err = t.throws(() => resolveFenceposts({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots' } }, 5));
  t.regex(err!.message, /maxSurge: "lots"/);
});

test('the new ReplicaSet grows only within desired + maxSurge', (t) => {
  // 3 old, surge 1: the new one may have 1.
  t.is(newReplicaSetTarget(3, 1, rs(0), [rs(3), rs(0)]), 1);
  // Already at 4 pods: no growth.
  t.is(newReplicaSetTarget(3, 1, rs(1), [rs(3), rs(1)]), 1);
  // An old ReplicaSet scaled down whose pods are not gone yet still counts.
  t.is(newReplicaSetTarget(3, 1, rs(1), [{ replicas: 2, available: 2, pods: 3 }, rs(1)]), 1);
  t.is(newReplicaSetTarget(3, 1, rs(1), [rs(2), rs(1)]), 2);
  // Never past desired.
  t.is(newReplicaSetTarget(3, 10, rs(0), [rs(0)]), 3);
  t.is(newReplicaSetTarget(3, 1, rs(5), [rs(5)]), 3);
});

test('old ReplicaSets shrink only while desired - maxUnavailable stay available', (t) => {
  // desired 3, maxUnavailable 0, new has 1 not yet available: nothing may go.
  t.deepEqual(oldReplicaSetTargets(3, 0, rs(1, 0), [rs(3)]), [3]);
  // The new pod became available: one old may go.
  t.deepEqual(oldReplicaSetTargets(3, 0, rs(1, 1), [rs(3)]), [2]);
  // maxUnavailable 1: one may go at once.
  t.deepEqual(oldReplicaSetTargets(3, 1, rs(0, 0), [rs(3)]), [2]);
});

test('unavailable old pods are shed first (a stuck intermediate template does not block the newest)', (t) => {
  // desired 5, surge 1 (6 pods allowed), unavailable 1; old v1 5 available, intermediate v2 has 1 pod never ready.
  const targets = oldReplicaSetTargets(5, 1, rs(0, 0), [rs(5), rs(1, 0)]);
  t.deepEqual(targets, [4, 0]);
});

test('the oldest ReplicaSet is scaled down first', (t) => {
  t.deepEqual(oldReplicaSetTargets(4, 0, rs(2, 2), [rs(1), rs(3)]), [0, 2]);
});

test('proportional scaling spreads a resize over the active ReplicaSets', (t) => {
  t.deepEqual(proportionalTargets(20, [{ replicas: 6 }, { replicas: 4 }]), [12, 8]);
  t.deepEqual(proportionalTargets(5, [{ replicas: 6 }, { replicas: 4 }]), [3, 2]);
  const odd = proportionalTargets(7, [{ replicas: 2 }, { replicas: 1 }]);
  t.is(odd[0]! + odd[1]!, 7);
  t.true(odd.every((n) => n >= 0));
});
