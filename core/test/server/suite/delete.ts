// DELETE: answers, preconditions, finalizers, propagation policies, graceful pod deletion,
// and DELETE of a collection.
import type { TestFn } from 'ava';
import { configMap, deployment, isStatus, pod, type Fixture } from '../helpers.js';

export function deleteTests(test: TestFn, fx: () => Fixture): void {
  test('DELETE answers with the pod itself, and with a Success Status for a deployment', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('gone'));
    const deleted = await api.delete(`/api/v1/namespaces/${ns}/pods/gone`);
    t.is(deleted.status, 200, deleted.text);
    t.is(deleted.body.kind, 'Pod');
    t.is((await api.get(`/api/v1/namespaces/${ns}/pods/gone`)).status, 404);
    const d = (await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('d'))).body;
    const status = await api.delete(`/apis/apps/v1/namespaces/${ns}/deployments/d`);
    t.is(status.status, 200);
    t.like(status.body, { kind: 'Status', status: 'Success', details: { name: 'd', group: 'apps', kind: 'deployments', uid: d.metadata.uid } });
    isStatus(t, await api.delete(`/apis/apps/v1/namespaces/${ns}/deployments/d`), 404, 'NotFound', 'deployments.apps "d" not found');
  });

  test('preconditions: a wrong uid or resourceVersion is 409 and nothing is deleted', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const cm = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('pre'))).body;
    const path = `/api/v1/namespaces/${ns}/configmaps/pre`;
    isStatus(t, await api.delete(path, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'wrong' } }), 409, 'Conflict', 'Precondition failed: UID');
    isStatus(t, await api.delete(path, { preconditions: { resourceVersion: '1' } }), 409, 'Conflict', 'ResourceVersion');
    t.is((await api.get(path)).status, 200);
    t.is((await api.delete(path, { preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion } })).status, 200);
  });

  test('an object with finalizers is only marked; the update removing the last one deletes it', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const path = `/api/v1/namespaces/${ns}/configmaps/fin`;
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/keep'] } });
    const marked = await api.delete(path);
    t.is(marked.status, 200);
    t.truthy(marked.body.metadata.deletionTimestamp);
    t.is(marked.body.metadata.deletionGracePeriodSeconds, 0);
    t.is((await api.get(path)).status, 200);
    isStatus(t, await api.patch(path, { metadata: { finalizers: ['example.com/keep', 'example.com/new'] } }), 422, 'Invalid', 'finalizers');
    const removed = await api.patch(path, { metadata: { finalizers: null } });
    t.is(removed.status, 200, removed.text);
    t.is((await api.get(path)).status, 404);
  });

  test('propagationPolicy Foreground and Orphan are recorded as finalizers, with a deletionTimestamp', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('fg'));
    await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('or'));
    const fg = await api.delete(`/apis/apps/v1/namespaces/${ns}/deployments/fg`, { propagationPolicy: 'Foreground' });
    t.is(fg.status, 200, fg.text);
    t.deepEqual(fg.body.metadata.finalizers, ['foregroundDeletion']);
    t.truthy(fg.body.metadata.deletionTimestamp);
    const or = await api.delete(`/apis/apps/v1/namespaces/${ns}/deployments/or?propagationPolicy=Orphan`);
    t.deepEqual(or.body.metadata.finalizers, ['orphan']);
    isStatus(t, await api.delete(`/apis/apps/v1/namespaces/${ns}/deployments/or`, { propagationPolicy: 'Sometimes' }), 422, 'Invalid', 'propagationPolicy');
  });

  test('a pod bound to a node is deleted gracefully; grace period 0 deletes it now; an unbound one goes at once', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('bound', { spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'nginx' }] } }));
    const path = `/api/v1/namespaces/${ns}/pods/bound`;
    const graceful = await api.delete(path);
    t.is(graceful.status, 200);
    t.is(graceful.body.metadata.deletionGracePeriodSeconds, 30);
    const deadline = Date.parse(graceful.body.metadata.deletionTimestamp);
    t.true(deadline > Date.now() + 20_000, 'the deletion timestamp is the end of the grace period');
    t.is(graceful.body.metadata.generation, 2);
    t.is((await api.get(path)).status, 200);
    const shorter = await api.delete(`${path}?gracePeriodSeconds=5`);
    t.is(shorter.body.metadata.deletionGracePeriodSeconds, 5);
    t.is((await api.delete(path, { gracePeriodSeconds: 0 })).status, 200);
    t.is((await api.get(path)).status, 404);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('free'));
    t.is((await api.delete(`/api/v1/namespaces/${ns}/pods/free`)).status, 200);
    t.is((await api.get(`/api/v1/namespaces/${ns}/pods/free`)).status, 404);
  });

  test('dryRun=All on DELETE leaves the object', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('stay'));
    t.is((await api.delete(`/api/v1/namespaces/${ns}/configmaps/stay?dryRun=All`)).status, 200);
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/stay`)).status, 200);
  });

  test('DELETE of a collection deletes what the selector matches and lists it', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']] as const) {
      await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(name, { x: '1' }, { tier }));
    }
    const res = await api.delete(`/api/v1/namespaces/${ns}/configmaps?labelSelector=tier%3Dweb`);
    t.is(res.status, 200, res.text);
    t.is(res.body.kind, 'ConfigMapList');
    t.deepEqual(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['a', 'b']);
    const left = (await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.items;
    t.deepEqual(left.map((i: { metadata: { name: string } }) => i.metadata.name), ['c']);
  });

  test('admission may refuse a delete: 403 naming the plugin', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('guarded', {}, { protect: 'yes' }));
    isStatus(t, await api.delete(`/api/v1/namespaces/${ns}/configmaps/guarded`), 403, 'Forbidden', 'TestAdmissionPlugin', 'protected');
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/guarded`)).status, 200);
  });
}
