// pods/binding changes only what a binding may: spec.nodeName, the binding's annotations, and
// the PodScheduled condition; the rest of the pod stays as it was.
import test from 'ava';
import { isStatus, pod, useServer } from './helpers.js';

const fx = useServer(test, { backend: 'embedded' });

test('a binding sets the node, adds its annotations and replaces PodScheduled, leaving the rest of the pod alone', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  await api.post(`/api/v1/namespaces/${ns}/pods`, { ...pod('p'), metadata: { name: 'p', annotations: { mine: 'kept' }, labels: { app: 'x' } } });
  const unschedulable = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes' };
  const ready = { type: 'Ready', status: 'False', reason: 'NotYet' };
  const patched = await api.request('PATCH', `/api/v1/namespaces/${ns}/pods/p/status`, {
    body: { status: { conditions: [unschedulable, ready] } },
    contentType: 'application/merge-patch+json',
  });
  t.is(patched.status, 200, patched.text);
  const before = patched.body;

  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', uid: before.metadata.uid, annotations: { 'scheduler.example/score': '7' } }, target: { kind: 'Node', name: 'node-9' } };
  const reply = await api.post(`/api/v1/namespaces/${ns}/pods/p/binding`, binding);
  t.is(reply.status, 201, reply.text);

  const after = (await api.get(`/api/v1/namespaces/${ns}/pods/p`)).body;
  t.is(after.spec.nodeName, 'node-9');
  t.deepEqual({ ...after.spec, nodeName: undefined }, { ...before.spec, nodeName: undefined });
  t.deepEqual(after.metadata.annotations, { mine: 'kept', 'scheduler.example/score': '7' });
  t.deepEqual(after.metadata.labels, { app: 'x' });
  t.is(after.metadata.uid, before.metadata.uid);
  t.true(Number(after.metadata.resourceVersion) > Number(before.metadata.resourceVersion));
  const conditions = after.status.conditions as { type: string; status: string; reason?: string }[];
  t.deepEqual(conditions.map((c) => `${c.type}=${c.status}`), ['Ready=False', 'PodScheduled=True']);
  t.is(conditions[0]!.reason, 'NotYet');
});

test('a binding whose uid is not the pod\'s is 409, and the pod stays unbound', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  await api.post(`/api/v1/namespaces/${ns}/pods`, pod('q'));
  const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'q', uid: 'not-the-uid' }, target: { kind: 'Node', name: 'node-1' } };
  isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/q/binding`, binding), 409, 'Conflict', 'Precondition failed');
  t.is((await api.get(`/api/v1/namespaces/${ns}/pods/q`)).body.spec.nodeName, undefined);
});
