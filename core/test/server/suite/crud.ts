// Create, get, update and the fields the server owns.
import type { TestFn } from 'ava';
import { configMap, deployment, isStatus, pod, type Fixture } from '../helpers.js';

export function crudTests(test: TestFn, fx: () => Fixture): void {
  test('create answers 201 with uid, creationTimestamp, generation 1 and a resourceVersion; get returns it', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const created = await api.post(`/api/v1/namespaces/${ns}/pods`, pod('web', { labels: { app: 'web' } }));
    t.is(created.status, 201, created.text);
    const meta = created.body.metadata;
    t.regex(meta.uid, /^[0-9a-f-]{36}$/);
    t.regex(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    t.is(meta.generation, 1);
    t.is(meta.namespace, ns);
    t.regex(meta.resourceVersion, /^\d+$/);
    t.is(created.body.status.phase, 'Pending');
    const got = await api.get(`/api/v1/namespaces/${ns}/pods/web`);
    t.is(got.status, 200);
    t.deepEqual(got.body, created.body);
  });

  test('client-set server fields are replaced, and a create cannot set a pod status', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const body = pod('p', { status: { phase: 'Running' } });
    Object.assign(body.metadata, { uid: 'mine', resourceVersion: '12345', generation: 7, deletionTimestamp: '2020-01-01T00:00:00Z' });
    const created = await api.post(`/api/v1/namespaces/${ns}/pods`, body);
    t.is(created.status, 201, created.text);
    t.not(created.body.metadata.uid, 'mine');
    t.is(created.body.metadata.generation, 1);
    t.is(created.body.metadata.deletionTimestamp, undefined);
    t.is(created.body.status.phase, 'Pending');
  });

  test('generateName gets a random 5-character suffix, different each time', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await api.post(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } });
      t.is(res.status, 201, res.text);
      t.regex(res.body.metadata.name, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      names.add(res.body.metadata.name);
    }
    t.is(names.size, 5);
  });

  test('dryRun=All creates nothing but answers with the object; other values are refused', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const res = await api.post(`/api/v1/namespaces/${ns}/configmaps?dryRun=All`, configMap('dry'));
    t.is(res.status, 201, res.text);
    t.is(res.body.metadata.name, 'dry');
    t.is(res.body.metadata.resourceVersion, undefined);
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/dry`)).status, 404);
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps?dryRun=Yes`, configMap('dry')), 400, 'BadRequest', 'dryRun');
  });

  test('a second create of the same name is 409 AlreadyExists naming it', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    t.is((await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('twice'))).status, 201);
    const again = await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('twice'));
    isStatus(t, again, 409, 'AlreadyExists', 'configmaps "twice" already exists');
    t.deepEqual(again.body.details, { name: 'twice', group: '', kind: 'configmaps' });
  });

  test('the body may name the namespace of the URL but no other (400); apiVersion and kind must fit the path (400)', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const other = { ...configMap('x'), metadata: { name: 'x', namespace: 'elsewhere' } };
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, other), 400, 'BadRequest', 'elsewhere', ns);
    const same = { ...configMap('y'), metadata: { name: 'y', namespace: ns } };
    t.is((await api.post(`/api/v1/namespaces/${ns}/configmaps`, same)).status, 201);
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, { ...configMap('z'), kind: 'Secret' }), 400, 'BadRequest', 'Secret');
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, { ...configMap('z'), apiVersion: 'apps/v1' }), 400, 'BadRequest', 'apps/v1');
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/z`)).status, 404);
  });

  test('an invalid object is 422 Invalid listing every cause with its field', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const res = await api.post(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' }, spec: { containers: [] } });
    isStatus(t, res, 422, 'Invalid', 'Pod "Bad_Name" is invalid');
    const fields = res.body.details.causes.map((c: { field: string }) => c.field);
    t.true(fields.includes('metadata.name'));
    t.true(fields.includes('spec.containers'));
  });

  test('PUT with the current resourceVersion updates; with a stale one it is 409 Conflict', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const v1 = (await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web'))).body;
    const changed = structuredClone(v1);
    changed.spec.replicas = 4;
    const v2 = await api.put(`/apis/apps/v1/namespaces/${ns}/deployments/web`, changed);
    t.is(v2.status, 200, v2.text);
    t.is(v2.body.spec.replicas, 4);
    t.true(Number(v2.body.metadata.resourceVersion) > Number(v1.metadata.resourceVersion));
    changed.spec.replicas = 5;
    const stale = await api.put(`/apis/apps/v1/namespaces/${ns}/deployments/web`, changed);
    isStatus(t, stale, 409, 'Conflict', 'deployments.apps "web"', 'modified');
    t.is((await api.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`)).body.spec.replicas, 4);
  });

  test('PUT without a resourceVersion is unconditional', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('cm'));
    const res = await api.put(`/api/v1/namespaces/${ns}/configmaps/cm`, configMap('cm', { b: '2' }));
    t.is(res.status, 200, res.text);
    t.deepEqual(res.body.data, { b: '2' });
  });

  test('generation counts spec changes only, not metadata or status', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const base = `/apis/apps/v1/namespaces/${ns}/deployments/gen`;
    await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('gen'));
    t.is((await api.patch(base, { metadata: { labels: { x: 'y' } } })).body.metadata.generation, 1);
    t.is((await api.patch(`${base}/status`, { status: { replicas: 1 } })).body.metadata.generation, 1);
    t.is((await api.patch(base, { spec: { replicas: 2 } })).body.metadata.generation, 2);
  });

  test('an update that changes nothing is not written: same resourceVersion', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const created = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('same'))).body;
    const res = await api.put(`/api/v1/namespaces/${ns}/configmaps/same`, created);
    t.is(res.status, 200);
    t.is(res.body.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  test('PUT keeps the stored status; a body status is ignored', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const created = (await api.post(`/api/v1/namespaces/${ns}/pods`, pod('keep'))).body;
    await api.patch(`/api/v1/namespaces/${ns}/pods/keep/status`, { status: { phase: 'Running', podIP: '10.0.0.5' } });
    const body = structuredClone(created);
    delete body.metadata.resourceVersion;
    body.metadata.labels = { edited: 'yes' };
    body.status = { phase: 'Failed' };
    const res = await api.put(`/api/v1/namespaces/${ns}/pods/keep`, body);
    t.is(res.status, 200, res.text);
    t.deepEqual(res.body.metadata.labels, { edited: 'yes' });
    t.is(res.body.status.phase, 'Running');
    t.is(res.body.status.podIP, '10.0.0.5');
  });

  test('PUT on a missing object is 404 for most kinds; a ReplicationController is created (201)', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    isStatus(t, await api.put(`/api/v1/namespaces/${ns}/configmaps/none`, configMap('none')), 404, 'NotFound', 'configmaps "none" not found');
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc' },
      spec: { replicas: 1, selector: { app: 'rc' }, template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
    };
    t.is((await api.put(`/api/v1/namespaces/${ns}/replicationcontrollers/rc`, rc)).status, 201);
  });

  test('PUT with another name in the body is 400; a pod cannot change node through PUT (422)', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const created = (await api.post(`/api/v1/namespaces/${ns}/pods`, pod('fixed'))).body;
    isStatus(t, await api.put(`/api/v1/namespaces/${ns}/pods/fixed`, { ...created, metadata: { ...created.metadata, name: 'other' } }), 400, 'BadRequest', 'does not match');
    const moved = structuredClone(created);
    moved.spec.nodeName = 'node-1';
    const res = await api.put(`/api/v1/namespaces/${ns}/pods/fixed`, moved);
    isStatus(t, res, 422, 'Invalid');
  });

  test('PATCH: merge, JSON and strategic merge patches; strategic merges containers by name', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const base = `/apis/apps/v1/namespaces/${ns}/deployments/p`;
    await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('p'));
    const merged = await api.patch(base, { metadata: { labels: { tier: 'web' } } }, 'application/merge-patch+json');
    t.is(merged.status, 200, merged.text);
    t.is(merged.body.metadata.labels.tier, 'web');
    const json = await api.patch(base, [{ op: 'replace', path: '/spec/replicas', value: 3 }], 'application/json-patch+json');
    t.is(json.body.spec.replicas, 3);
    const patch = { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } };
    const strategic = await api.patch(base, patch, 'application/strategic-merge-patch+json');
    t.is(strategic.status, 200, strategic.text);
    t.deepEqual(strategic.body.spec.template.spec.containers.map((c: { name: string }) => c.name).sort(), ['app', 'side']);
  });

  test('PATCH errors: malformed patch 400, failed JSON patch test 422, apply patch 415, missing object 404', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const base = `/api/v1/namespaces/${ns}/configmaps/cm`;
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('cm'));
    isStatus(t, await api.request('PATCH', base, { body: '{"data": ', contentType: 'application/merge-patch+json' }), 400, 'BadRequest', 'line 1');
    isStatus(t, await api.patch(base, [{ op: 'test', path: '/data/a', value: 'nope' }], 'application/json-patch+json'), 422, 'Invalid');
    isStatus(t, await api.request('PATCH', base, { body: 'data: {}', contentType: 'application/apply-patch+yaml' }), 415, 'UnsupportedMediaType');
    isStatus(t, await api.patch(`/api/v1/namespaces/${ns}/configmaps/none`, { data: {} }), 404, 'NotFound');
  });

  test('PATCH that sets a stale resourceVersion is a 409 precondition', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('cm'));
    isStatus(t, await api.patch(`/api/v1/namespaces/${ns}/configmaps/cm`, { metadata: { resourceVersion: '1' }, data: { b: '1' } }), 409, 'Conflict');
  });

  test('concurrent patches without a resourceVersion all apply (conflicts are retried)', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('many', {}));
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => api.patch(`/api/v1/namespaces/${ns}/configmaps/many`, { data: { [`k${i}`]: String(i) } })));
    t.true(replies.every((r) => r.status === 200));
    t.is(Object.keys((await api.get(`/api/v1/namespaces/${ns}/configmaps/many`)).body.data).length, 10);
  });

  test('cluster-scoped kinds live outside namespaces', async (t) => {
    const { api } = fx();
    const name = `node-${Date.now()}`;
    const created = await api.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { capacity: { cpu: '2' } } });
    t.is(created.status, 201, created.text);
    t.is(created.body.metadata.namespace, undefined);
    t.is(created.body.status.capacity.cpu, '2', 'a node may set its status on create');
    t.is((await api.get(`/api/v1/nodes/${name}`)).status, 200);
    t.true((await api.get('/api/v1/nodes')).body.items.some((n: { metadata: { name: string } }) => n.metadata.name === name));
    isStatus(t, await api.get(`/api/v1/namespaces/default/nodes/${name}`), 404, 'NotFound');
  });
}
