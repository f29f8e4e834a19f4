import test from 'ava';
import { fileURLToPath } from 'node:url';
import type { ApiObject, Event } from '../../src/index.js';
import { startTestControlPlane, type TestControlPlane } from '../../src/testing/index.js';
import { probe } from './fixtures/copier-plugin.js';
import { waitFor as until } from '../../src/testing/index.js';

const PLUGIN = fileURLToPath(new URL('./fixtures/copier-plugin.js', import.meta.url));
const NS = 'default';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: [PLUGIN], scheduler: false });
});

test.after.always(async () => {
  await cp?.stop();
});

function configMap(name: string, labels: Record<string, string>): ApiObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels }, data: {} } as ApiObject;
}

const calls = (controller: string, key: string): number => (probe.calls.get(controller) ?? []).filter((k) => k === key).length;

test('controllersStart fired once with reason startup when leader election is off', (t) => {
  const starts = probe.lifecycle.filter((l) => l.hook === 'start');
  t.is(starts.length, 1);
  t.is(starts[0]!.event.reason, 'startup');
  t.is(starts[0]!.event.identity, cp.controllers!.identity);
});

test('a controller reconciles its kind: the label is copied, and a repeated event is counted on one Event', async (t) => {
  await cp.client.create('configmaps', configMap('copy-me', { test: 'copier', app: 'web' }));
  const copied = await until('the annotation', async () => {
    const cm = await cp.client.get('configmaps', 'copy-me', { namespace: NS });
    return cm.metadata.annotations?.copied === 'web' ? cm : undefined;
  });
  t.is(copied.metadata.annotations?.copied, 'web');
  // The update of the annotation caused a second reconcile, with the same event message.
  await until('two reconciles', () => calls('copier', `${NS}/copy-me`) >= 2);
  const event = await until('an Event counted twice', async () => {
    const list = await cp.client.list<Event>('events', { namespace: NS, fieldSelector: 'involvedObject.name=copy-me' });
    return list.items.length === 1 && (list.items[0]!.count ?? 0) >= 2 ? list.items[0] : undefined;
  });
  t.is(event.reason, 'Copied');
  t.is(event.type, 'Normal');
  t.is(event.message, 'copied app=web');
  t.is(event.source?.component, 'copier-controller');
  t.is(event.involvedObject.kind, 'ConfigMap');
  t.is(event.involvedObject.name, 'copy-me');
  t.truthy(event.firstTimestamp);
  t.truthy(event.lastTimestamp);
});

test('owned objects requeue their controlling owner, on create, update and delete', async (t) => {
  const owner = await cp.client.create('configmaps', configMap('owner-1', { test: 'owner' }));
  const key = `${NS}/owner-1`;
  await until('the first reconcile', () => calls('owner', key) >= 1);
  const before = calls('owner', key);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'owned-1',
      namespace: NS,
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-1', uid: owner.metadata.uid!, controller: true }],
    },
    data: {},
  } as ApiObject;
  await cp.client.create('secrets', secret);
  await until('a reconcile after the create', () => calls('owner', key) > before);
  const afterCreate = calls('owner', key);
  await cp.client.delete('secrets', 'owned-1', { namespace: NS });
  await until('a reconcile after the delete', () => calls('owner', key) > afterCreate);
  // A Secret with no controller reference requeues nobody.
  const settled = calls('owner', key);
  await cp.client.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orphan-1', namespace: NS }, data: {} } as ApiObject);
  await new Promise((r) => setTimeout(r, 300));
  t.is(calls('owner', key), settled);
});

test('watched kinds map through keys()', async (t) => {
  await cp.client.create('configmaps', configMap('watched-1', { test: 'watcher' }));
  const key = `${NS}/watched-1`;
  await until('the first reconcile', () => calls('watcher', key) >= 1);
  const before = calls('watcher', key);
  await cp.client.create('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc-1', namespace: NS, labels: { target: 'watched-1' } },
    spec: { ports: [{ port: 80 }] },
  } as ApiObject);
  await until('a reconcile from the Service', () => calls('watcher', key) > before);
  t.true(calls('watcher', key) > before, 'the Service change reconciled the ConfigMap its keys() named');
});

test('a reconcile that throws is retried; requeueAfterMs brings the key back without changes', async (t) => {
  probe.throwsLeft.set(`${NS}/flaky-1`, 2);
  await cp.client.create('configmaps', configMap('flaky-1', { test: 'flaky' }));
  await until('three attempts', () => calls('flaky', `${NS}/flaky-1`) >= 3);
  t.is(probe.throwsLeft.get(`${NS}/flaky-1`), 0);

  probe.requeuesLeft.set(`${NS}/flaky-2`, 3);
  await cp.client.create('configmaps', configMap('flaky-2', { test: 'flaky' }));
  await until('four reconciles', () => calls('flaky', `${NS}/flaky-2`) >= 4);
  await new Promise((r) => setTimeout(r, 200));
  t.is(calls('flaky', `${NS}/flaky-2`), 4, 'no requeue once the controller stops asking');
});

test('one key is never reconciled twice at once, while several keys are', async (t) => {
  probe.slowMs = 40;
  const names = ['slow-a', 'slow-b', 'slow-c'];
  for (const name of names) await cp.client.create('configmaps', configMap(name, { test: 'slow' }));
  // Change every object several times while reconciles are in flight.
  for (let i = 0; i < 5; i++) {
    await Promise.all(names.map((name) => cp.client.patch('configmaps', name, { data: { round: String(i) } }, 'merge', { namespace: NS })));
    await new Promise((r) => setTimeout(r, 15));
  }
  await until('every key reconciled', () => names.every((n) => calls('slow', `${NS}/${n}`) >= 2));
  await until('idle', () => probe.totalInFlight === 0);
  t.is(probe.maxInFlightPerKey, 1);
  t.true(probe.maxInFlightTotal > 1, 'workers run different keys at once');
});
