import test from 'ava';
import type { ApiObject, ConfigMap, Deployment, OwnerReference, Pod, ReplicaSet } from '@corral/core';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { waitFor } from './waitFor.js';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-gc'], scheduler: false });
});

test.after.always(async () => {
  await cp?.stop();
});

const NS = 'default';

function ref(owner: ApiObject, options: { block?: boolean; controller?: boolean } = {}): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    ...(options.controller === false ? {} : { controller: true }),
    ...(options.block === false ? {} : { blockOwnerDeletion: true }),
  };
}

const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'pause' }] } });

async function deployment(name: string): Promise<Deployment> {
  return cp.client.create<Deployment>('deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: template(name) },
  });
}

async function replicaSet(name: string, owners: OwnerReference[] = []): Promise<ReplicaSet> {
  return cp.client.create<ReplicaSet>('replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, ...(owners.length ? { ownerReferences: owners } : {}) },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: template(name) },
  });
}

/** Unbound pods: a delete removes them at once (no agent to wait for). */
async function pod(name: string, owners: OwnerReference[], finalizers?: string[]): Promise<Pod> {
  return cp.client.create<Pod>('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, ownerReferences: owners, ...(finalizers ? { finalizers } : {}) },
    spec: { containers: [{ name: 'c', image: 'pause' }] },
  });
}

async function find<T extends ApiObject>(resource: string, name: string, namespace: string | undefined = NS): Promise<T | undefined> {
  try {
    return await cp.client.get<T>(resource, name, namespace ? { namespace } : {});
  } catch {
    return undefined;
  }
}

test('background: deleting a Deployment takes its ReplicaSet and then the pods', async (t) => {
  const deploy = await deployment('bg');
  const rs = await replicaSet('bg-rs', [ref(deploy)]);
  await pod('bg-p1', [ref(rs)]);
  await pod('bg-p2', [ref(rs)]);
  await cp.client.delete('deployments', 'bg', { namespace: NS });
  await waitFor('the ReplicaSet gone', async () => (await find('replicasets', 'bg-rs')) === undefined);
  await waitFor('the pods gone', async () => (await find('pods', 'bg-p1')) === undefined && (await find('pods', 'bg-p2')) === undefined);
  t.deepEqual([await find('replicasets', 'bg-rs'), await find('pods', 'bg-p1'), await find('pods', 'bg-p2')], [undefined, undefined, undefined]);
});

test('foreground: the owner stays, marked, until its blocking dependents are gone', async (t) => {
  const rs = await replicaSet('fg-rs');
  await pod('fg-p1', [ref(rs)], ['test.corral.dev/hold']);
  await pod('fg-p2', [ref(rs, { block: false, controller: false })]);
  await cp.client.delete('replicasets', 'fg-rs', { namespace: NS, propagationPolicy: 'Foreground' });
  await waitFor('fg-p1 marked for deletion', async () => (await find<Pod>('pods', 'fg-p1'))?.metadata.deletionTimestamp !== undefined);
  await waitFor('fg-p2 gone', async () => (await find('pods', 'fg-p2')) === undefined);
  const owner = await find<ReplicaSet>('replicasets', 'fg-rs');
  t.truthy(owner?.metadata.deletionTimestamp, 'the owner waits for its blocking dependent');
  t.deepEqual(owner?.metadata.finalizers, ['foregroundDeletion']);

  await cp.client.patch('pods', 'fg-p1', { metadata: { finalizers: null } }, 'merge', { namespace: NS });
  await waitFor('the owner gone once its dependents are', async () => (await find('replicasets', 'fg-rs')) === undefined);
});

test('orphan: the owner goes, its dependents stay without the reference', async (t) => {
  const rs = await replicaSet('or-rs');
  const other = await cp.client.create<ConfigMap>('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'or-other', namespace: NS } });
  await pod('or-p1', [ref(rs)]);
  await pod('or-p2', [ref(rs, { controller: false }), ref(other, { controller: false })]);
  await cp.client.delete('replicasets', 'or-rs', { namespace: NS, propagationPolicy: 'Orphan' });
  await waitFor('the owner gone', async () => (await find('replicasets', 'or-rs')) === undefined);
  const p1 = await find<Pod>('pods', 'or-p1');
  const p2 = await find<Pod>('pods', 'or-p2');
  t.truthy(p1);
  t.is(p1?.metadata.deletionTimestamp, undefined);
  t.is(p1?.metadata.ownerReferences, undefined);
  t.deepEqual(p2?.metadata.ownerReferences?.map((r) => r.name), ['or-other']);
});

test('a dependent with another live owner loses only the reference to the gone one', async (t) => {
  const a = await cp.client.create<ConfigMap>('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two-a', namespace: NS } });
  const b = await cp.client.create<ConfigMap>('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two-b', namespace: NS } });
  await pod('two-p', [ref(a, { controller: false }), ref(b, { controller: false })]);
  await cp.client.delete('configmaps', 'two-a', { namespace: NS });
  const p = await waitFor('the reference to two-a dropped', async () => {
    const p = await find<Pod>('pods', 'two-p');
    return p?.metadata.ownerReferences?.length === 1 ? p : undefined;
  });
  t.is(p.metadata.ownerReferences![0]!.name, 'two-b');
  t.is(p.metadata.deletionTimestamp, undefined);
});

test('an object created with an owner that never existed is collected', async (t) => {
  await pod('dangling-p', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nowhere', uid: '00000000-0000-4000-8000-000000000000', controller: true }]);
  await waitFor('the pod gone', async () => (await find('pods', 'dangling-p')) === undefined);
  t.is(await find('pods', 'dangling-p'), undefined);
});

test('a cluster-scoped owner collects its namespaced dependents', async (t) => {
  const node = await cp.client.create<ApiObject>('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gc-node' } });
  await cp.client.create<ConfigMap>('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'node-owned', namespace: NS, ownerReferences: [ref(node, { controller: false })] } });
  await cp.client.delete('nodes', 'gc-node');
  await waitFor('the configmap gone', async () => (await find('configmaps', 'node-owned')) === undefined);
  t.is(await find('configmaps', 'node-owned'), undefined);
});

test('an owner in another namespace is no owner: the dependent is collected, with a Warning', async (t) => {
  await cp.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc-other' } });
  const owner = await cp.client.create<ConfigMap>('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'far-owner', namespace: 'gc-other' } });
  await cp.client.create<ConfigMap>('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'far-owned', namespace: NS, ownerReferences: [ref(owner, { controller: false })] } });
  await waitFor('the dependent collected', async () => (await find('configmaps', 'far-owned')) === undefined);
  t.truthy(await find('configmaps', 'far-owner', 'gc-other'), 'the owner elsewhere is untouched');
  const events = await waitFor('the warning', async () => {
    const list = await cp.client.list<ApiObject & { reason?: string; involvedObject?: { name?: string } }>('events', { namespace: NS });
    const found = list.items.filter((e) => e.reason === 'OwnerRefInvalidNamespace' && e.involvedObject?.name === 'far-owned');
    return found.length > 0 ? found : undefined;
  });
  t.is(events.length, 1);
});

test('foreground through a chain: each owner waits for the level below', async (t) => {
  const deploy = await deployment('chain');
  const rs = await replicaSet('chain-rs', [ref(deploy)]);
  await pod('chain-p', [ref(rs)], ['test.corral.dev/hold']);
  await cp.client.delete('deployments', 'chain', { namespace: NS, propagationPolicy: 'Foreground' });
  const middle = await waitFor('the ReplicaSet deleted in the foreground', async () => {
    const r = await find<ReplicaSet>('replicasets', 'chain-rs');
    return r?.metadata.deletionTimestamp !== undefined ? r : undefined;
  });
  t.deepEqual(middle.metadata.finalizers, ['foregroundDeletion'], 'it has a dependent of its own, so it waits too');
  await waitFor('the pod marked', async () => (await find<Pod>('pods', 'chain-p'))?.metadata.deletionTimestamp !== undefined);
  t.truthy(await find('deployments', 'chain'), 'the top owner waits');
  await cp.client.patch('pods', 'chain-p', { metadata: { finalizers: null } }, 'merge', { namespace: NS });
  await waitFor('the whole chain gone', async () => (await find('deployments', 'chain')) === undefined && (await find('replicasets', 'chain-rs')) === undefined);
});
