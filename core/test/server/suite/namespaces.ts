// Namespaces: the system ones, deletion (Terminating, then emptied, then gone), refusals.
import type { TestFn } from 'ava';
import { configMap, eventually, isStatus, pod, type Fixture } from '../helpers.js';

export function namespaceTests(test: TestFn, fx: () => Fixture): void {
  test('default, kube-system, kube-public and kube-node-lease exist; the first three cannot be deleted', async (t) => {
    const { api } = fx();
    const names = (await api.get('/api/v1/namespaces')).body.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) t.true(names.includes(ns), ns);
    isStatus(t, await api.delete('/api/v1/namespaces/default'), 403, 'Forbidden', 'may not be deleted');
    const ns = (await api.get('/api/v1/namespaces/default')).body;
    t.deepEqual(ns.spec.finalizers, ['kubernetes']);
    t.is(ns.status.phase, 'Active');
  });

  test('deleting a namespace marks it Terminating, deletes what is in it, then deletes it', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('c'));
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('p'));
    const res = await api.delete(`/api/v1/namespaces/${ns}`);
    t.is(res.status, 200, res.text);
    t.is(res.body.status.phase, 'Terminating');
    t.truthy(res.body.metadata.deletionTimestamp);
    t.true(await eventually(async () => (await api.get(`/api/v1/namespaces/${ns}`)).status === 404, 8000), 'the namespace goes');
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/c`)).status, 404);
    t.is((await api.get(`/api/v1/namespaces/${ns}/pods/p`)).status, 404);
  });

  test('a Terminating namespace takes no new objects (403) and waits for finalizers in it', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, { ...configMap('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await api.delete(`/api/v1/namespaces/${ns}`);
    t.true(
      await eventually(async () => {
        const res = await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(`late-${Date.now()}`));
        return res.status === 403 && res.body.message.includes('being terminated');
      }),
    );
    const marked = async () => (await api.get(`/api/v1/namespaces/${ns}/configmaps/held`)).body?.metadata?.deletionTimestamp !== undefined;
    t.true(await eventually(marked), 'the namespace loop deleted it; its finalizer holds it');
    t.is((await api.get(`/api/v1/namespaces/${ns}`)).body.status.phase, 'Terminating');
    await api.patch(`/api/v1/namespaces/${ns}/configmaps/held`, { metadata: { finalizers: null } });
    t.true(await eventually(async () => (await api.get(`/api/v1/namespaces/${ns}`)).status === 404, 15_000));
  });

  test('a namespace update cannot change its finalizers or status; finalize can', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const patched = await api.patch(`/api/v1/namespaces/${ns}`, { spec: { finalizers: [] }, status: { phase: 'Terminating' }, metadata: { labels: { a: 'b' } } });
    t.is(patched.status, 200, patched.text);
    t.deepEqual(patched.body.spec.finalizers, ['kubernetes']);
    t.is(patched.body.status.phase, 'Active');
    const finalized = await api.put(`/api/v1/namespaces/${ns}/finalize`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: [] } });
    t.is(finalized.status, 200, finalized.text);
    t.is(finalized.body.spec.finalizers, undefined);
    // Without the namespace finalizer, a delete is immediate.
    t.is((await api.delete(`/api/v1/namespaces/${ns}`)).status, 200);
    t.is((await api.get(`/api/v1/namespaces/${ns}`)).status, 404);
  });
}
