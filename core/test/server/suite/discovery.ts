// Discovery, version, health, OpenAPI; and what happens to versions the store compacted away
// (serial: they run before every other test of the file, so compaction hurts no one).
import type { TestFn } from 'ava';
import { configMap, isStatus, type Fixture } from '../helpers.js';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

export function discoveryTests(test: TestFn, fx: () => Fixture): void {
  test('legacy discovery: /api, /apis, /apis/{group} and the resource lists with subresources', async (t) => {
    const { api } = fx();
    const core = (await api.get('/api')).body;
    t.is(core.kind, 'APIVersions');
    t.deepEqual(core.versions, ['v1']);
    const groups = (await api.get('/apis')).body;
    t.is(groups.kind, 'APIGroupList');
    const names = groups.groups.map((g: { name: string }) => g.name);
    for (const g of ['apps', 'batch', 'coordination.k8s.io']) t.true(names.includes(g), g);
    t.deepEqual((await api.get('/apis/apps')).body.preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });
    const v1 = (await api.get('/api/v1')).body;
    t.is(v1.kind, 'APIResourceList');
    t.is(v1.groupVersion, 'v1');
    const byName = new Map(v1.resources.map((r: { name: string }) => [r.name, r]));
    t.like(byName.get('pods'), { singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    t.deepEqual((byName.get('pods') as { verbs: string[] }).verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    for (const sub of ['pods/status', 'pods/binding', 'pods/eviction', 'pods/log', 'pods/exec', 'namespaces/finalize', 'replicationcontrollers/scale']) t.true(byName.has(sub), sub);
    t.like(byName.get('pods/eviction'), { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    t.like(byName.get('nodes'), { namespaced: false });
    const apps = (await api.get('/apis/apps/v1')).body;
    const scale = apps.resources.find((r: { name: string }) => r.name === 'deployments/scale');
    t.like(scale, { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
    isStatus(t, await api.get('/apis/nope'), 404, 'NotFound');
    isStatus(t, await api.get('/apis/apps/v9'), 404, 'NotFound');
  });

  test('aggregated discovery (what kubectl asks for first) answers in its own content type', async (t) => {
    const { api } = fx();
    const core = await api.get('/api', { accept: AGGREGATED });
    t.is(core.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    t.is(core.body.kind, 'APIGroupDiscoveryList');
    t.is(core.body.apiVersion, 'apidiscovery.k8s.io/v2');
    t.is(core.body.items[0].metadata.name, '');
    const pods = core.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    t.like(pods, { responseKind: { group: '', version: 'v1', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod' });
    t.true(pods.subresources.some((s: { subresource: string }) => s.subresource === 'status'));
    const apis = (await api.get('/apis', { accept: AGGREGATED })).body;
    const apps = apis.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    t.is(apps.versions[0].freshness, 'Current');
    t.true(apps.versions[0].resources.some((r: { resource: string; scope: string }) => r.resource === 'deployments'));
  });

  test('/version, /healthz, /livez, /readyz and the OpenAPI documents', async (t) => {
    const { api } = fx();
    t.like((await api.get('/version')).body, { major: '1', minor: '32' });
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const res = await api.get(path);
      t.is(res.status, 200);
      t.is(res.text, 'ok');
    }
    t.regex((await api.get('/readyz?verbose')).text, /\[\+\]store ok/);
    t.is((await api.get('/openapi/v2')).status, 200);
    const v3 = await api.get('/openapi/v3');
    t.is(v3.status, 200);
    t.truthy(v3.body.paths['api/v1']);
    t.is((await api.get('/openapi/v3/apis/apps/v1')).status, 200);
  });

  test.serial('versions compacted away: list Exact and an old continue token are 410 Expired; a watch gets an ERROR event', async (t) => {
    const { api, server } = fx();
    const ns = await fx().namespace(t);
    for (let i = 0; i < 3; i++) await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(`c${i}`));
    const page = (await api.get(`/api/v1/namespaces/${ns}/configmaps?limit=1`)).body;
    const old = page.metadata.resourceVersion;
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('newer'));
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('newest'));
    await server.store.compact(await server.store.currentRevision());
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps?resourceVersion=${old}&resourceVersionMatch=Exact`), 410, 'Expired');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps?limit=1&continue=${encodeURIComponent(page.metadata.continue)}`), 410, 'Expired', 'continue');
    const watch = api.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${old}`);
    t.teardown(() => watch.close());
    t.is(await watch.opened, 200);
    await watch.waitFor(1);
    t.is(watch.events.length, 1);
    t.is(watch.events[0]!.type, 'ERROR');
    t.like(watch.events[0]!.object, { kind: 'Status', code: 410, reason: 'Expired' });
  });
}
