import test from 'ava';
import { CycleState, type QueuedPodInfo, type Taint } from '@corral/core';
import { NodeName, NodeUnschedulable, PrioritySort, TaintToleration, toleratesTaint } from '../src/index.js';
import { info, instance, node, pod, scores } from './helpers.js';

const tainted = (name: string, ...taints: Taint[]) => info(node(name, { spec: { taints } }));

test('TaintToleration filter: untolerated NoSchedule and NoExecute taints refuse the node', (t) => {
  const plugin = instance(TaintToleration);
  const gpu = tainted('gpu', { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' });
  const state = new CycleState();
  t.deepEqual(plugin.filter!(pod('p'), gpu, state), { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'], plugin: 'TaintToleration' });
  const tolerant = pod('t', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
  t.is(plugin.filter!(tolerant, gpu, state), undefined);
  const draining = tainted('drain', { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' });
  t.deepEqual(plugin.filter!(pod('p'), draining, state)?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
  t.is(plugin.filter!(pod('p'), tainted('soft', { key: 'x', effect: 'PreferNoSchedule' }), state), undefined, 'PreferNoSchedule only scores');
});

test('toleration matching: key, operator, value and effect', (t) => {
  const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  t.true(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v' }, taint), 'no effect: every effect');
  t.false(toleratesTaint({ key: 'k', operator: 'Equal', value: 'w' }, taint));
  t.true(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint));
  t.false(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint));
  t.true(toleratesTaint({ operator: 'Exists' }, taint), 'an empty key with Exists tolerates everything');
  t.true(toleratesTaint({ key: 'k', value: 'v' }, taint), 'the operator defaults to Equal');
});

test('TaintToleration score: fewer untolerated PreferNoSchedule taints rank higher', (t) => {
  const plugin = instance(TaintToleration);
  const prefer = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
  const nodes = [tainted('clean'), tainted('one', prefer('a')), tainted('two', prefer('a'), prefer('b'))];
  t.deepEqual(scores(plugin, pod('p'), nodes), { clean: 100, one: 50, two: 0 });
  const tolerant = pod('t', { spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
  t.deepEqual(scores(plugin, tolerant, nodes), { clean: 100, one: 100, two: 0 });
  t.is(scores(plugin, pod('p'), [tainted('x'), tainted('y', { key: 'hard', effect: 'NoSchedule' })]), 'skipped', 'nothing to rank');
});

test('NodeUnschedulable: a cordoned node takes only pods tolerating the unschedulable taint', (t) => {
  const plugin = instance(NodeUnschedulable);
  const cordoned = info(node('c', { spec: { unschedulable: true } }));
  t.deepEqual(plugin.filter!(pod('p'), cordoned, new CycleState())?.reasons, ['node(s) were unschedulable']);
  const tolerant = pod('ds', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  t.is(plugin.filter!(tolerant, cordoned, new CycleState()), undefined);
  t.is(plugin.filter!(pod('p'), info(node('ok')), new CycleState()), undefined);
});

test('NodeName: a pod naming a node fits only that node', (t) => {
  const plugin = instance(NodeName);
  const p = pod('p', { spec: { nodeName: 'n2' } });
  t.deepEqual(plugin.filter!(p, info(node('n1')), new CycleState())?.reasons, ["node(s) didn't match the requested node name"]);
  t.is(plugin.filter!(p, info(node('n2')), new CycleState()), undefined);
  t.is(plugin.filter!(pod('free'), info(node('n1')), new CycleState()), undefined);
});

test('PrioritySort: higher priority first, then earlier arrival', (t) => {
  const { less } = instance(PrioritySort) as { less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean };
  const q = (priority: number, timestamp: number): QueuedPodInfo => ({ pod: pod('p', { spec: { priority } }), timestamp, attempts: 0 });
  t.true(less(q(10, 5), q(1, 1)));
  t.false(less(q(1, 1), q(10, 5)));
  t.true(less(q(1, 1), q(1, 2)));
  t.false(less(q(1, 2), q(1, 1)));
});
