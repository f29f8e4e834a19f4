import test from 'ava';
import type { Endpoints, Pod, Service } from '@corral/core';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { waitFor } from './waitFor.js';

let cp: TestControlPlane;

test.before(async () => {
  // One worker: keys are reconciled in the order their events came, which the no-churn test needs.
  cp = await startTestControlPlane({ plugins: [{ name: '@corral/plugin-endpoints', options: { workers: 1 } }], scheduler: false });
});

test.after.always(async () => {
  await cp?.stop();
});

function service(name: string, spec: Partial<Service['spec']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
  };
}

/** Creates a pod bound to node-a and gives it an IP and a Ready condition, as an agent would. */
async function runningPod(name: string, labels: Record<string, string>, ip: string, ready: boolean, ports?: { name: string; containerPort: number }[]): Promise<Pod> {
  const created = await cp.client.create<Pod>('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'pause', ...(ports ? { ports } : {}) }] },
  });
  return cp.client.updateStatus<Pod>('pods', {
    ...created,
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
}

async function endpoints(name: string): Promise<Endpoints | undefined> {
  try {
    return await cp.client.get<Endpoints>('endpoints', name, { namespace: 'default' });
  } catch {
    return undefined;
  }
}

function ips(ep: Endpoints | undefined, field: 'addresses' | 'notReadyAddresses'): string[] {
  return (ep?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip)).sort();
}

test('ready pods are addresses, not-ready ones notReadyAddresses, each with its targetRef', async (t) => {
  await cp.client.create('services', service('ready'));
  const a = await runningPod('ready-a', { app: 'ready' }, '10.1.0.1', true);
  await runningPod('ready-b', { app: 'ready' }, '10.1.0.2', false);
  await runningPod('ready-other', { app: 'other' }, '10.1.0.3', true);
  const ep = await waitFor('both pods in the endpoints', async () => {
    const ep = await endpoints('ready');
    return ips(ep, 'addresses').length === 1 && ips(ep, 'notReadyAddresses').length === 1 ? ep : undefined;
  });
  t.deepEqual(ips(ep, 'addresses'), ['10.1.0.1']);
  t.deepEqual(ips(ep, 'notReadyAddresses'), ['10.1.0.2']);
  const address = ep.subsets![0]!.addresses![0]!;
  t.deepEqual(address.targetRef, { kind: 'Pod', namespace: 'default', name: 'ready-a', uid: a.metadata.uid });
  t.is(address.nodeName, 'node-a');
  t.deepEqual(ep.subsets![0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);

  // The not-ready pod turns ready: it moves over.
  const b = await cp.client.get<Pod>('pods', 'ready-b', { namespace: 'default' });
  await cp.client.updateStatus('pods', { ...b, status: { ...b.status, conditions: [{ type: 'Ready', status: 'True' }] } });
  await waitFor('both pods ready', async () => ips(await endpoints('ready'), 'addresses').length === 2);
  t.deepEqual(ips(await endpoints('ready'), 'notReadyAddresses'), []);
});

test('a named target port resolves per pod; a pod without it is left out of that port', async (t) => {
  await cp.client.create('services', service('named', { ports: [{ name: 'web', port: 80, targetPort: 'web' }] }));
  await runningPod('named-a', { app: 'named' }, '10.2.0.1', true, [{ name: 'web', containerPort: 8080 }]);
  await runningPod('named-b', { app: 'named' }, '10.2.0.2', true, [{ name: 'web', containerPort: 9090 }]);
  await runningPod('named-c', { app: 'named' }, '10.2.0.3', true, [{ name: 'admin', containerPort: 7070 }]);
  const ep = await waitFor('two subsets', async () => {
    const ep = await endpoints('named');
    return ep?.subsets?.length === 2 ? ep : undefined;
  });
  const byPort = Object.fromEntries(ep.subsets!.map((s) => [s.ports![0]!.port, s.addresses!.map((a) => a.ip)]));
  t.deepEqual(byPort, { 8080: ['10.2.0.1'], 9090: ['10.2.0.2'] });
});

test('a Service without a selector keeps its hand-written Endpoints', async (t) => {
  await cp.client.create('services', service('mysql', { selector: undefined, ports: [{ port: 3306, targetPort: 3306 }] }));
  const hand = await cp.client.create<Endpoints>('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'mysql', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '192.168.31.22' }], ports: [{ port: 3306, protocol: 'TCP' }] }],
  });
  // A pod that would match if the Service had `app: mysql`, then a barrier the controller must reach.
  await runningPod('mysql-pod', { app: 'mysql' }, '10.3.0.1', true);
  await cp.client.create('services', service('mysql-barrier'));
  await runningPod('mysql-barrier-pod', { app: 'mysql-barrier' }, '10.3.0.2', true);
  await waitFor('the barrier service synced', async () => ips(await endpoints('mysql-barrier'), 'addresses').length === 1);
  const after = await endpoints('mysql');
  t.is(after?.metadata.resourceVersion, hand.metadata.resourceVersion);
  t.deepEqual(ips(after, 'addresses'), ['192.168.31.22']);
});

test('a label change drops the pod; nothing is written when nothing changed', async (t) => {
  await cp.client.create('services', service('labels'));
  await runningPod('labels-a', { app: 'labels' }, '10.4.0.1', true);
  await runningPod('labels-b', { app: 'labels' }, '10.4.0.2', true);
  const before = await waitFor('two addresses', async () => {
    const ep = await endpoints('labels');
    return ips(ep, 'addresses').length === 2 ? ep : undefined;
  });

  // An annotation on a selected pod changes nothing the Endpoints hold: no write.
  await cp.client.patch('pods', 'labels-a', { metadata: { annotations: { touched: 'yes' } } }, 'merge', { namespace: 'default' });
  await cp.client.create('services', service('labels-barrier'));
  await runningPod('labels-barrier-pod', { app: 'labels-barrier' }, '10.4.0.9', true);
  await waitFor('the barrier service synced', async () => ips(await endpoints('labels-barrier'), 'addresses').length === 1);
  t.is((await endpoints('labels'))!.metadata.resourceVersion, before.metadata.resourceVersion);

  await cp.client.patch('pods', 'labels-b', { metadata: { labels: { app: 'elsewhere' } } }, 'merge', { namespace: 'default' });
  await waitFor('labels-b dropped', async () => ips(await endpoints('labels'), 'addresses').length === 1);
  t.deepEqual(ips(await endpoints('labels'), 'addresses'), ['10.4.0.1']);
});

test('a terminating pod leaves at once; the Endpoints go with their Service', async (t) => {
  await cp.client.create('services', service('gone'));
  await runningPod('gone-a', { app: 'gone' }, '10.5.0.1', true);
  await waitFor('one address', async () => ips(await endpoints('gone'), 'addresses').length === 1);
  // Bound to a node, the pod waits for its agent: it is only marked for deletion.
  await cp.client.delete('pods', 'gone-a', { namespace: 'default' });
  await waitFor('the terminating pod dropped', async () => ips(await endpoints('gone'), 'addresses').length === 0);
  await cp.client.delete('services', 'gone', { namespace: 'default' });
  await waitFor('the endpoints deleted', async () => (await endpoints('gone')) === undefined);
  t.is(await endpoints('gone'), undefined);
});
