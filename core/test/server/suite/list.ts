// LIST: scopes, selectors, paging, resourceVersion semantics, and the output forms.
import type { TestFn } from 'ava';
import { configMap, isStatus, pod, type Fixture } from '../helpers.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

export function listTests(test: TestFn, fx: () => Fixture): void {
  test('a namespace lists its own objects; /api/v1/pods lists every namespace', async (t) => {
    const { api } = fx();
    const [a, b] = [await fx().namespace(t), await fx().namespace(t)];
    await api.post(`/api/v1/namespaces/${a}/pods`, pod('one'));
    await api.post(`/api/v1/namespaces/${b}/pods`, pod('two'));
    const inA = await api.get(`/api/v1/namespaces/${a}/pods`);
    t.is(inA.body.kind, 'PodList');
    t.is(inA.body.apiVersion, 'v1');
    t.deepEqual(names(inA.body), ['one']);
    t.regex(inA.body.metadata.resourceVersion, /^\d+$/);
    const all = (await api.get('/api/v1/pods')).body.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`);
    t.true(all.includes(`${a}/one`) && all.includes(`${b}/two`));
  });

  test('label selectors: =, !=, in, notin, exists, !key', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('web', {}, { tier: 'web', env: 'prod' }));
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('db', {}, { tier: 'db' }));
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('none'));
    const q = async (selector: string) => names((await api.get(`/api/v1/namespaces/${ns}/configmaps?labelSelector=${encodeURIComponent(selector)}`)).body);
    t.deepEqual(await q('tier=web'), ['web']);
    t.deepEqual(await q('tier!=web'), ['db', 'none']);
    t.deepEqual(await q('tier in (web,db)'), ['db', 'web']);
    t.deepEqual(await q('tier notin (web)'), ['db', 'none']);
    t.deepEqual(await q('env'), ['web']);
    t.deepEqual(await q('!tier'), ['none']);
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps?labelSelector=${encodeURIComponent('tier in (web')}`), 400, 'BadRequest', 'unable to parse');
  });

  test('field selectors: metadata.name and kind-specific fields; an unsupported field is 400', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('a', { spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } }));
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('b'));
    const q = async (selector: string) => names((await api.get(`/api/v1/namespaces/${ns}/pods?fieldSelector=${encodeURIComponent(selector)}`)).body);
    t.deepEqual(await q('metadata.name=b'), ['b']);
    t.deepEqual(await q('spec.nodeName=n1'), ['a']);
    t.deepEqual(await q('spec.nodeName='), ['b']);
    t.deepEqual(await q('status.phase=Pending,metadata.name!=a'), ['b']);
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/pods?fieldSelector=spec.image%3Dx`), 400, 'BadRequest', 'spec.image', 'not supported');
  });

  test('limit and continue page through one snapshot, with remainingItemCount', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    for (let i = 0; i < 5; i++) await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(`cm${i}`));
    const first = (await api.get(`/api/v1/namespaces/${ns}/configmaps?limit=2`)).body;
    t.deepEqual(names(first), ['cm0', 'cm1']);
    t.is(first.metadata.remainingItemCount, 3);
    t.truthy(first.metadata.continue);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('cm9'));
    const second = (await api.get(`/api/v1/namespaces/${ns}/configmaps?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).body;
    t.deepEqual(names(second), ['cm2', 'cm3']);
    t.is(second.metadata.resourceVersion, first.metadata.resourceVersion, 'the same snapshot');
    const third = (await api.get(`/api/v1/namespaces/${ns}/configmaps?limit=2&continue=${encodeURIComponent(second.metadata.continue)}`)).body;
    t.deepEqual(names(third), ['cm4'], 'cm9 was created after the snapshot');
    t.is(third.metadata.continue, undefined);
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps?continue=garbage`), 400, 'BadRequest', 'continue');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps?limit=2&resourceVersion=5&continue=${encodeURIComponent(first.metadata.continue)}`), 400, 'BadRequest');
  });

  test('paging with a selector fills each page with matching objects', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    for (let i = 0; i < 8; i++) await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(`cm${i}`, {}, { odd: String(i % 2 === 1) }));
    const seen: string[] = [];
    let cont = '';
    for (let page = 0; page < 5; page++) {
      const body = (await api.get(`/api/v1/namespaces/${ns}/configmaps?labelSelector=odd%3Dtrue&limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body;
      seen.push(...names(body));
      if (!body.metadata.continue) break;
      t.is(body.items.length, 2);
      cont = body.metadata.continue;
    }
    t.deepEqual(seen, ['cm1', 'cm3', 'cm5', 'cm7']);
  });

  test('resourceVersion: Exact reads the past; NotOlderThan waits for a future version', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const v1 = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('cm', { v: '1' }))).body.metadata.resourceVersion;
    await api.put(`/api/v1/namespaces/${ns}/configmaps/cm`, configMap('cm', { v: '2' }));
    const past = await api.get(`/api/v1/namespaces/${ns}/configmaps?resourceVersion=${v1}&resourceVersionMatch=Exact`);
    t.is(past.status, 200, past.text);
    t.is(past.body.items[0].data.v, '1');
    t.is(past.body.metadata.resourceVersion, v1);
    const now = (await api.get(`/api/v1/namespaces/${ns}/configmaps?resourceVersion=0`)).body;
    t.is(now.items[0].data.v, '2');
    const future = String(Number(now.metadata.resourceVersion) + 1);
    const waiting = api.get(`/api/v1/namespaces/${ns}/configmaps?resourceVersion=${future}&resourceVersionMatch=NotOlderThan`);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('later'));
    const answered = await waiting;
    t.is(answered.status, 200);
    t.true(Number(answered.body.metadata.resourceVersion) >= Number(future));
  });

  test('resourceVersionMatch needs a resourceVersion, Exact not 0 (422); a bad version is 400', async (t) => {
    const { api } = fx();
    isStatus(t, await api.get('/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact'), 422, 'Invalid', 'resourceVersionMatch');
    isStatus(t, await api.get('/api/v1/namespaces/default/configmaps?resourceVersion=0&resourceVersionMatch=Exact'), 422, 'Invalid');
    isStatus(t, await api.get('/api/v1/namespaces/default/configmaps?resourceVersion=abc'), 400, 'BadRequest', 'abc');
    isStatus(t, await api.get('/api/v1/namespaces/default/configmaps?limit=-1'), 422, 'Invalid', 'limit');
  });

  test('Accept as=Table answers a meta.k8s.io/v1 Table; includeObject picks what rows carry', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/pods`, pod('tab'));
    const table = (await api.get(`/api/v1/namespaces/${ns}/pods`, { accept: TABLE })).body;
    t.is(table.kind, 'Table');
    t.is(table.apiVersion, 'meta.k8s.io/v1');
    t.deepEqual(table.columnDefinitions.slice(0, 5).map((c: { name: string }) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    t.is(table.rows[0].cells[0], 'tab');
    t.is(table.rows[0].object.kind, 'PartialObjectMetadata');
    const full = (await api.get(`/api/v1/namespaces/${ns}/pods?includeObject=Object`, { accept: TABLE })).body;
    t.is(full.rows[0].object.kind, 'Pod');
    const none = (await api.get(`/api/v1/namespaces/${ns}/pods?includeObject=None`, { accept: TABLE })).body;
    t.is(none.rows[0].object, undefined);
    const one = (await api.get(`/api/v1/namespaces/${ns}/pods/tab`, { accept: TABLE })).body;
    t.is(one.kind, 'Table');
    t.is(one.rows.length, 1);
  });

  test('Accept: metadata only, YAML, and 406 when nothing acceptable is offered', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('m'));
    const meta = (await api.get(`/api/v1/namespaces/${ns}/configmaps`, { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' })).body;
    t.is(meta.kind, 'PartialObjectMetadataList');
    t.is(meta.items[0].metadata.name, 'm');
    t.is(meta.items[0].data, undefined);
    const yaml = await api.get(`/api/v1/namespaces/${ns}/configmaps/m`, { accept: 'application/yaml' });
    t.regex(yaml.headers.get('content-type') ?? '', /yaml/);
    t.regex(yaml.text, /^apiVersion: v1\nkind: ConfigMap/m);
    const proto = await api.get(`/api/v1/namespaces/${ns}/configmaps/m`, { accept: 'application/vnd.kubernetes.protobuf' });
    t.is(proto.status, 200);
    t.is(proto.headers.get('content-type'), 'application/vnd.kubernetes.protobuf');
    isStatus(t, await api.get(`/api/v1/namespaces/${ns}/configmaps/m`, { accept: 'text/html' }), 406, 'NotAcceptable');
  });
}
