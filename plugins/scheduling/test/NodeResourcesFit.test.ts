import test from 'ava';
import { CycleState } from '@corral/core';
import { leastAllocated, mostAllocated, NodeResourcesFit } from '../src/index.js';
import { info, instance, node, pod, scores } from './helpers.js';

const fit = instance(NodeResourcesFit);
const filter = (p: ReturnType<typeof pod>, n: ReturnType<typeof info>) => {
  const state = new CycleState();
  fit.preFilter!(p, state);
  return fit.filter!(p, n, state);
};

test('filter: requests must fit in allocatable minus what the node\'s pods request', (t) => {
  const n = info(node('n1', { cpu: '2', memory: '4Gi' }), [pod('running', { cpu: '1500m', memory: '1Gi' })]);
  t.is(filter(pod('small', { cpu: '500m', memory: '3Gi' }), n), undefined, 'exactly what is left fits');
  t.deepEqual(filter(pod('cpu', { cpu: '501m' }), n), { code: 'Unschedulable', reasons: ['Insufficient cpu'], plugin: 'NodeResourcesFit' });
  t.deepEqual(filter(pod('both', { cpu: '1', memory: '4Gi' }), n)?.reasons, ['Insufficient cpu', 'Insufficient memory']);
});

test('filter: the pod count limit, extended resources, and pods that request nothing', (t) => {
  const full = info(node('n1', { pods: 2, cpu: '1' }), [pod('a', { cpu: '1' }), pod('b')]);
  t.deepEqual(filter(pod('none'), full)?.reasons, ['Too many pods']);
  const roomy = info(node('n2', { cpu: '1' }), [pod('a', { cpu: '1' })]);
  t.is(filter(pod('none'), roomy), undefined, 'a pod without requests needs no free CPU');
  const gpus = info(node('n3', { extra: { 'nvidia.com/gpu': 2 } }), [pod('a', { extra: { 'nvidia.com/gpu': 1 } })]);
  t.is(filter(pod('one', { extra: { 'nvidia.com/gpu': 1 } }), gpus), undefined);
  t.deepEqual(filter(pod('two', { extra: { 'nvidia.com/gpu': 2 } }), gpus)?.reasons, ['Insufficient nvidia.com/gpu']);
  const lenient = instance(NodeResourcesFit, { ignoredResources: ['nvidia.com/gpu'] });
  t.is(lenient.filter!(pod('two', { extra: { 'nvidia.com/gpu': 2 } }), gpus, new CycleState()), undefined, 'ignoredResources are not checked');
});

test('filter: init containers count by their maximum, not their sum', (t) => {
  const n = info(node('n1', { cpu: '2' }));
  const p = pod('init', { cpu: '1', spec: { initContainers: [{ name: 'i1', resources: { requests: { cpu: '2' } } }, { name: 'i2', resources: { requests: { cpu: '2' } } }] } });
  t.is(filter(p, n), undefined);
  const bigger = pod('init', { cpu: '1', spec: { initContainers: [{ name: 'i1', resources: { requests: { cpu: '2100m' } } }] } });
  t.deepEqual(filter(bigger, n)?.reasons, ['Insufficient cpu']);
});

test('score: LeastAllocated prefers free nodes, MostAllocated ("binpack") busy ones', (t) => {
  const empty = info(node('empty', { cpu: '4', memory: '8Gi' }));
  const half = info(node('half', { cpu: '4', memory: '8Gi' }), [pod('a', { cpu: '2', memory: '4Gi' })]);
  const p = pod('p', { cpu: '1', memory: '2Gi' });
  t.deepEqual(scores(fit, p, [empty, half]), { empty: 75, half: 25 });
  const binpack = instance(NodeResourcesFit, { scoringStrategy: { type: 'MostAllocated' } });
  t.deepEqual(scores(binpack, p, [empty, half]), { empty: 25, half: 75 });
  const cpuOnly = instance(NodeResourcesFit, { scoringStrategy: { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } });
  const memoryHeavy = info(node('mem', { cpu: '4', memory: '8Gi' }), [pod('m', { cpu: '100m', memory: '6Gi' })]);
  // cpu (4000-1100)/4000 = 72, memory (8-8)/8 = 0: (72*3 + 0) / 4 = 54
  t.deepEqual(scores(cpuOnly, p, [memoryHeavy]), { mem: 54 });
});

test('score: pods without requests count as 100m / 200Mi, so they still spread', (t) => {
  const a = info(node('a', { cpu: '1', memory: '1000Mi' }), [pod('x'), pod('y')]);
  const b = info(node('b', { cpu: '1', memory: '1000Mi' }));
  // a: cpu (1000-300)/1000 = 70, memory (1000-600)/1000 = 40 -> 55; b: 90 and 80 -> 85
  t.deepEqual(scores(fit, pod('p'), [a, b]), { a: 55, b: 85 });
});

test('the strategies clamp and round as kube-scheduler does', (t) => {
  t.is(leastAllocated(5, 4), 0);
  t.is(leastAllocated(1, 3), 66);
  t.is(leastAllocated(1, 0), 0);
  t.is(mostAllocated(5, 4), 100);
  t.is(mostAllocated(1, 3), 33);
});

test('args are validated by the plugin\'s schema', (t) => {
  t.throws(() => instance(NodeResourcesFit, { scoringStrategy: { type: 'Greedy' } }), { message: /must be one of \[LeastAllocated, MostAllocated\]/ });
});
