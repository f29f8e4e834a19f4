import test from 'ava';
import { CycleState, type NodeSelectorTerm, type Pod } from '@corral/core';
import { NodeAffinity } from '../src/index.js';
import { info, instance, node, pod, scores } from './helpers.js';

const plugin = instance(NodeAffinity);

/** The names of the nodes the pod may use, through preFilter + filter. */
function fits(p: Pod, nodes: ReturnType<typeof info>[]): string[] | 'skipped' {
  const state = new CycleState();
  if (plugin.preFilter!(p, state)?.code === 'Skip') return 'skipped';
  return nodes.filter((n) => plugin.filter!(p, n, state) === undefined).map((n) => n.name);
}

const required = (...terms: NodeSelectorTerm[]) => pod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } });

const nodes = [
  info(node('a', { labels: { zone: 'east', disk: 'ssd', cores: '8' } })),
  info(node('b', { labels: { zone: 'west', cores: '32' } })),
  info(node('c', { labels: { zone: 'east' } })),
];

test('a pod with neither nodeSelector nor required affinity skips the filter', (t) => {
  t.is(fits(pod('p'), nodes), 'skipped');
});

test('nodeSelector: every label must match', (t) => {
  t.deepEqual(fits(pod('p', { spec: { nodeSelector: { zone: 'east' } } }), nodes), ['a', 'c']);
  t.deepEqual(fits(pod('p', { spec: { nodeSelector: { zone: 'east', disk: 'ssd' } } }), nodes), ['a']);
  const state = new CycleState();
  const p = pod('p', { spec: { nodeSelector: { zone: 'north' } } });
  plugin.preFilter!(p, state);
  t.deepEqual(plugin.filter!(p, nodes[0]!, state), { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"], plugin: 'NodeAffinity' });
});

test('matchExpressions: In, NotIn, Exists, DoesNotExist, Gt, Lt', (t) => {
  const expr = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt', key: string, values?: string[]) => required({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  t.deepEqual(fits(expr('In', 'zone', ['west', 'south']), nodes), ['b']);
  t.deepEqual(fits(expr('NotIn', 'disk', ['ssd']), nodes), ['b', 'c'], 'NotIn matches a missing label');
  t.deepEqual(fits(expr('Exists', 'disk'), nodes), ['a']);
  t.deepEqual(fits(expr('DoesNotExist', 'disk'), nodes), ['b', 'c']);
  t.deepEqual(fits(expr('Gt', 'cores', ['16']), nodes), ['b']);
  t.deepEqual(fits(expr('Lt', 'cores', ['16']), nodes), ['a']);
  t.deepEqual(fits(expr('Gt', 'cores', ['many']), nodes), [], 'a non-integer bound matches nothing');
});

test('terms are ORed, a term\'s requirements ANDed; matchFields selects by node name; an empty term matches nothing', (t) => {
  const p = required(
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['east'] }, { key: 'disk', operator: 'DoesNotExist' }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] },
  );
  t.deepEqual(fits(p, nodes), ['b', 'c']);
  t.deepEqual(fits(required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a'] }] }), nodes), ['b', 'c']);
  t.deepEqual(fits(required({}), nodes), []);
  t.deepEqual(fits(required({ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['x'] }] }), nodes), [], 'only metadata.name is a field');
  const both = pod('p', { spec: { nodeSelector: { zone: 'east' }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }] } } } } });
  t.deepEqual(fits(both, nodes), ['a'], 'nodeSelector and affinity must both hold');
});

test('score: the weights of the preferred terms a node matches, scaled so the best gets 100', (t) => {
  const p = pod('p', {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 60, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['east'] }] } },
            { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    },
  });
  t.deepEqual(scores(plugin, p, nodes), { a: 100, b: 0, c: 75 });
  t.is(scores(plugin, pod('plain'), nodes), 'skipped');
});
