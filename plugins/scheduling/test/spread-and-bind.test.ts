import test from 'ava';
import { CycleState, SCHEDULER_HANDLE_KEY, type SchedulerHandle, type Service } from '@corral/core';
import { DefaultBinder, PodTopologySpread } from '../src/index.js';
import { info, instance, node, pod, scores, stateWith } from './helpers.js';

const spread = instance(PodTopologySpread);
const replicas = (owner: string, n: number) => Array.from({ length: n }, (_, i) => pod(`${owner}-${i}`, { owner, labels: { app: owner } }));

test('replicas of one controller prefer the nodes that run fewer of them', (t) => {
  const [r0, r1, r2] = replicas('web', 3);
  const nodes = [info(node('a'), [r0!, r1!]), info(node('b'), [r2!]), info(node('c')), info(node('other'), replicas('db', 4))];
  const s = scores(spread, pod('new', { owner: 'web' }), nodes) as Record<string, number>;
  t.true(s.c! > s.b! && s.b! > s.a!, JSON.stringify(s));
  t.is(s.c, 100);
  t.is(s.other, 100, 'another controller\'s pods do not count');
});

test('a pod without a controller or a selecting Service is not spread', (t) => {
  t.is(scores(spread, pod('lonely'), [info(node('a')), info(node('b'))]), 'skipped');
});

test('Services select siblings: pods the same Service selects spread even without a controller', (t) => {
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } };
  const nodes = [info(node('a'), [pod('x', { labels: { app: 'web' } }), pod('y', { labels: { app: 'web' } })]), info(node('b'), [pod('z', { labels: { app: 'db' } })])];
  const s = scores(spread, pod('new', { labels: { app: 'web' } }), nodes, stateWith(nodes, {}, [svc])) as Record<string, number>;
  t.true(s.b! > s.a!, JSON.stringify(s));
  const other = { ...svc, metadata: { name: 'web', namespace: 'elsewhere' } };
  t.is(scores(spread, pod('new', { labels: { app: 'web' } }), nodes, stateWith(nodes, {}, [other])), 'skipped', 'Services of another namespace do not select it');
});

test('zones: siblings anywhere in a zone count against every node of that zone', (t) => {
  const zone = (z: string) => ({ labels: { 'topology.kubernetes.io/zone': z } });
  const [r0, r1] = replicas('web', 2);
  // east-1 is full (not feasible) but its replicas still weigh on east.
  const all = [info(node('east-1', zone('east')), [r0!, r1!]), info(node('east-2', zone('east'))), info(node('west-1', zone('west')))];
  const feasible = all.slice(1);
  const s = scores(spread, pod('new', { owner: 'web' }), feasible, stateWith(all)) as Record<string, number>;
  t.true(s['west-1']! > s['east-2']!, JSON.stringify(s));
});

test('DefaultBinder binds through the scheduler handle and turns a refusal into an Error status', async (t) => {
  const bound: string[] = [];
  const binder = instance(DefaultBinder);
  const state = new CycleState();
  const handle = { bind: async (p: { metadata: { name?: string } }, n: string) => void bound.push(`${p.metadata.name}->${n}`) } as unknown as SchedulerHandle;
  state.write(SCHEDULER_HANDLE_KEY, handle);
  t.deepEqual(await binder.bind!(pod('p'), 'n1', state), { code: 'Success' });
  t.deepEqual(bound, ['p->n1']);
  const refusing = new CycleState();
  refusing.write(SCHEDULER_HANDLE_KEY, { bind: async () => Promise.reject(new Error('pods "p" not found')) });
  t.deepEqual(await binder.bind!(pod('p'), 'n1', refusing), { code: 'Error', reasons: ['pods "p" not found'], plugin: 'DefaultBinder' });
});
