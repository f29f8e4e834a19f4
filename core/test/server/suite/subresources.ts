// Subresources: status, scale, binding, eviction, log and exec (without an agent), finalize.
import type { TestFn } from 'ava';
import { createServer } from 'node:net';
import { deployment, isStatus, pod, type Fixture } from '../helpers.js';

function rc(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas: 2, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
  };
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export function subresourceTests(test: TestFn, fx: () => Fixture): void {
  test('status: PUT and PATCH change the status only; the spec in the body is ignored', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const base = `/apis/apps/v1/namespaces/${ns}/deployments/s`;
    const created = (await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('s', 2))).body;
    const body = structuredClone(created);
    body.spec.replicas = 9;
    body.metadata.labels = { sneaky: 'yes' };
    body.status = { replicas: 2, readyReplicas: 1 };
    const put = await api.put(`${base}/status`, body);
    t.is(put.status, 200, put.text);
    t.is(put.body.spec.replicas, 2);
    t.is(put.body.metadata.labels, undefined);
    t.deepEqual(put.body.status, { replicas: 2, readyReplicas: 1 });
    t.is(put.body.metadata.generation, 1);
    const patched = await api.patch(`${base}/status`, { status: { availableReplicas: 1 } });
    t.is(patched.body.status.availableReplicas, 1);
    t.is(patched.body.status.readyReplicas, 1);
    const got = await api.get(`${base}/status`);
    t.is(got.body.kind, 'Deployment');
    isStatus(t, await api.put(`${base}/status`, { ...body, metadata: { ...body.metadata, resourceVersion: '1' } }), 409, 'Conflict');
    isStatus(t, await api.delete(`${base}/status`), 405, 'MethodNotAllowed');
  });

  test('scale: GET, PUT and PATCH an autoscaling/v1 Scale of a Deployment, ReplicaSet or ReplicationController', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('d', 2));
    await api.post(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc('r'));
    const rs = { ...deployment('rs', 1), kind: 'ReplicaSet' };
    t.is((await api.post(`/apis/apps/v1/namespaces/${ns}/replicasets`, rs)).status, 201);

    const scale = await api.get(`/apis/apps/v1/namespaces/${ns}/deployments/d/scale`);
    t.is(scale.status, 200, scale.text);
    t.like(scale.body, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'd', namespace: ns }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=d' } });

    const put = await api.put(`/apis/apps/v1/namespaces/${ns}/deployments/d/scale`, { ...scale.body, spec: { replicas: 5 } });
    t.is(put.status, 200, put.text);
    t.is(put.body.spec.replicas, 5);
    const d = (await api.get(`/apis/apps/v1/namespaces/${ns}/deployments/d`)).body;
    t.is(d.spec.replicas, 5);
    t.is(d.metadata.generation, 2);
    isStatus(t, await api.put(`/apis/apps/v1/namespaces/${ns}/deployments/d/scale`, scale.body), 409, 'Conflict');

    const rcScale = await api.patch(`/api/v1/namespaces/${ns}/replicationcontrollers/r/scale`, { spec: { replicas: 3 } });
    t.is(rcScale.body.spec.replicas, 3);
    t.is(rcScale.body.status.selector, 'app=r');
    const rsScale = await api.patch(`/apis/apps/v1/namespaces/${ns}/replicasets/rs/scale`, { spec: { replicas: 4 } }, 'application/strategic-merge-patch+json');
    t.is(rsScale.status, 200, rsScale.text);
    t.is((await api.get(`/apis/apps/v1/namespaces/${ns}/replicasets/rs`)).body.spec.replicas, 4);

    isStatus(t, await api.patch(`/apis/apps/v1/namespaces/${ns}/deployments/d/scale`, { spec: { replicas: -1 } }), 422, 'Invalid', 'spec.replicas');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps/x/scale`), 404, 'NotFound', 'scale');
  });

  test('binding sets the node once: 201, then 409; the pod gets PodScheduled', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('b'));
    const binding = (node: string, name = 'b') => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    const bound = await api.post(`/api/v1/namespaces/${ns}/pods/b/binding`, binding('node-1'));
    t.is(bound.status, 201, bound.text);
    t.like(bound.body, { kind: 'Status', status: 'Success', code: 201 });
    const got = (await api.get(`/api/v1/namespaces/${ns}/pods/b`)).body;
    t.is(got.spec.nodeName, 'node-1');
    t.like(got.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled'), { status: 'True' });
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/b/binding`, binding('node-2')), 409, 'Conflict', 'already assigned', 'node-1');
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/b/binding`, binding('node-2', 'other')), 400, 'BadRequest');
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/b/binding`, { ...binding(''), target: {} }), 422, 'Invalid', 'target.name');
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/none/binding`, binding('node-1', 'none')), 404, 'NotFound');
  });

  test('eviction deletes the pod (201 Success); a missing pod is 404', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('e'));
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e', namespace: ns } };
    const res = await api.post(`/api/v1/namespaces/${ns}/pods/e/eviction`, eviction);
    t.is(res.status, 201, res.text);
    t.is((await api.get(`/api/v1/namespaces/${ns}/pods/e`)).status, 404);
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/e/eviction`, eviction), 404, 'NotFound');
  });

  test('log and exec: 400 for a pod without a node, 503 naming what is missing on the node side', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('unscheduled'));
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods/unscheduled/log`), 400, 'BadRequest', 'not scheduled');
    const node = `ghost-${ns}`;
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('p', { spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx' }] } }));
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods/p/log`), 503, 'ServiceUnavailable', node, 'not registered');
    await api.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods/p/exec?command=ls`, ''), 503, 'ServiceUnavailable', 'no agent endpoint');
    const port = await closedPort();
    await api.patch(`/api/v1/nodes/${node}/status`, { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } });
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods/p/log`), 503, 'ServiceUnavailable', `127.0.0.1:${port}`, 'ECONNREFUSED');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods/p/log?container=nope`), 400, 'BadRequest', 'nope');
  });

  test('unknown subresources are 404; a wrong method on a subresource is 405', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('x'));
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods/x/bogus`), 404, 'NotFound', 'bogus');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods/x/binding`), 405, 'MethodNotAllowed');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps/x/status`), 404, 'NotFound');
  });
}
