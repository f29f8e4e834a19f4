// Expectations through the real API: the controller's cache is held back on purpose, so a sync
// sees none of the pods the previous one created. It must not create them again.
import test from 'ava';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { ObjectCache, type ApiObject, type Pod, type ReconcileContext, type ReplicationController, type SharedInformers } from '@corral/core';
import { InFlight, PODS, REPLICATION_CONTROLLER, REPLICATION_CONTROLLERS, replicaController } from '../src/index.js';
import { createNamespace, template } from './helpers.js';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-workloads'], controllers: false, scheduler: false });
});

test.after.always(async () => {
  await cp?.stop();
});

/** Caches the test fills by hand, at a revision it chooses. */
class StaleInformers {
  readonly caches = new Map<string, { cache: ObjectCache; resourceVersion: string }>();
  informers(): SharedInformers {
    return {
      informer: (kind) => {
        const key = `${kind.apiVersion}/${kind.kind}`;
        let entry = this.caches.get(key);
        if (!entry) this.caches.set(key, (entry = { cache: new ObjectCache({ namespace: (o: ApiObject) => [o.metadata.namespace ?? ''] }), resourceVersion: '0' }));
        return entry as never;
      },
    };
  }
  set(kind: string, objects: ApiObject[], resourceVersion: string): void {
    const entry = this.caches.get(kind)!;
    for (const key of entry.cache.keys()) entry.cache.remove(key);
    for (const obj of objects) entry.cache.set(obj);
    entry.resourceVersion = resourceVersion;
  }
}

test('a sync on a cache that has not seen the last creates creates nothing more', async (t) => {
  const ns = await createNamespace(cp.client, 'stale-cache');
  const rc = await cp.client.create<ReplicationController>(
    REPLICATION_CONTROLLERS,
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { replicas: 3, selector: { app: 'web' }, template: template({ app: 'web' }) } },
    { namespace: ns },
  );
  const stale = new StaleInformers();
  const informers = stale.informers();
  informers.informer({ apiVersion: 'v1', kind: 'ReplicationController' });
  informers.informer({ apiVersion: 'v1', kind: 'Pod' });
  stale.set('v1/ReplicationController', [rc], rc.metadata.resourceVersion!);
  const ctx: ReconcileContext = {
    signal: new AbortController().signal,
    client: cp.client,
    informers,
    events: { event: () => undefined },
    expectations: undefined as never,
    clock: { now: () => Date.now(), setTimeout: () => undefined, clearTimeout: () => undefined },
    enqueue: () => undefined,
  };
  const inFlight = new InFlight(ctx.clock);
  const controller = replicaController(REPLICATION_CONTROLLER, { burstReplicas: 500, resyncMs: 0 }, () => inFlight);
  const key = `${ns}/web`;
  const pods = async () => (await cp.client.list<Pod>(PODS, { namespace: ns })).items;

  await controller.reconcile(key, ctx);
  t.is((await pods()).length, 3);
  // The pod cache still shows nothing: without expectations this would make 3 more.
  const again = await controller.reconcile(key, ctx);
  t.is((await pods()).length, 3);
  t.truthy(again && again.requeueAfterMs, 'it looks again soon');

  // The cache catches up: the sync settles and writes the status.
  const list = await cp.client.list<Pod>(PODS, { namespace: ns });
  stale.set('v1/Pod', list.items, list.metadata.resourceVersion!);
  await controller.reconcile(key, ctx);
  t.is((await pods()).length, 3);
  const current = await cp.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'web', { namespace: ns });
  t.is(current.status?.replicas, 3);

  // A pod deleted (by someone else) before the cache saw it: the cache's revision passing its
  // creation settles the expectation, and the next sync replaces it.
  await cp.client.delete(PODS, list.items[0]!.metadata.name!, { namespace: ns });
  const after = await cp.client.list<Pod>(PODS, { namespace: ns });
  stale.set('v1/Pod', after.items, after.metadata.resourceVersion!);
  await controller.reconcile(key, ctx);
  t.is((await pods()).length, 3);
});
