// Bad input: each a Status with the right code and a message saying what and where, nothing
// stored; and admission refusals.
import type { TestFn } from 'ava';
import { configMap, isStatus, pod, type Fixture } from '../helpers.js';

export function errorTests(test: TestFn, fx: () => Fixture): void {
  test('malformed JSON is 400 with line and column; nothing is stored', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const body = '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "j"}\n  "data": {}\n}';
    const res = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body, contentType: 'application/json' });
    isStatus(t, res, 400, 'BadRequest', 'not valid JSON', 'line 5, column 3');
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/j`)).status, 404);
    isStatus(t, await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: '', contentType: 'application/json' }), 400, 'BadRequest', 'empty');
  });

  test('YAML bodies are read; malformed YAML is 400 with line and column', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: "1"\n';
    t.is((await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: good, contentType: 'application/yaml' })).status, 201);
    const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n   labels: [\n';
    isStatus(t, await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: bad, contentType: 'application/yaml' }), 400, 'BadRequest', 'not valid YAML', 'line');
    isStatus(t, await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: `${good}---\n${good}`, contentType: 'application/yaml' }), 400, 'BadRequest', 'exactly one');
  });

  test('a body over the limit is 413; an unsupported Content-Type is 415', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const big = configMap('big', { blob: 'x'.repeat(3 * 1024 * 1024 + 10) });
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, big), 413, 'RequestEntityTooLarge', String(3 * 1024 * 1024));
    t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps/big`)).status, 404);
    isStatus(t, await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: 'x', contentType: 'application/x-protobuf' }), 415, 'UnsupportedMediaType', 'application/json');
    isStatus(t, await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: 'x', contentType: 'application/vnd.kubernetes.protobuf' }), 400, 'BadRequest', 'k8s');
    isStatus(t, await api.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/x`, { body: '{}', contentType: 'application/json' }), 415, 'UnsupportedMediaType', 'merge-patch');
  });

  test('fieldValidation: Strict (default) refuses unknown fields (422), Warn drops them with a Warning, Ignore drops them', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const withExtra = (name: string) => ({ ...configMap(name), spec: { oops: true }, metadata: { name, colour: 'red' } });
    const strict = await api.post(`/api/v1/namespaces/${ns}/configmaps`, withExtra('s'));
    isStatus(t, strict, 422, 'Invalid');
    const fields = strict.body.details.causes.map((c: { field: string; reason: string }) => `${c.reason} ${c.field}`);
    t.true(fields.includes('FieldValueNotSupported spec') || fields.some((f: string) => f.endsWith(' spec')), fields.join(';'));
    t.true(fields.some((f: string) => f.endsWith('metadata.colour')), fields.join(';'));
    const warned = await api.post(`/api/v1/namespaces/${ns}/configmaps?fieldValidation=Warn`, withExtra('w'));
    t.is(warned.status, 201, warned.text);
    t.is(warned.body.spec, undefined);
    const warning = warned.headers.get('warning') ?? '';
    t.true(warning.includes('unknown field \\"spec\\"') && warning.includes('metadata.colour'), warning);
    const ignored = await api.post(`/api/v1/namespaces/${ns}/configmaps?fieldValidation=Ignore`, withExtra('i'));
    t.is(ignored.status, 201);
    t.is(ignored.headers.get('warning'), null);
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps?fieldValidation=Loose`, withExtra('l')), 400, 'BadRequest', 'fieldValidation');
  });

  test('unknown paths and resources are 404; wrong methods are 405', async (t) => {
    const { api } = fx();
    isStatus(t, await api.get('/api/v1/widgets'), 404, 'NotFound', 'widgets');
    isStatus(t, await api.get('/apis/example.com/v1/widgets'), 404, 'NotFound', 'example.com/v1');
    isStatus(t, await api.get('/api/v2/pods'), 404, 'NotFound');
    isStatus(t, await api.get('/api/v1/pods/name-without-namespace'), 404, 'NotFound');
    isStatus(t, await api.get('/api/v1/namespaces/default/pods/a/b/c'), 404, 'NotFound');
    isStatus(t, await api.get('/definitely/not/here'), 404, 'NotFound');
    isStatus(t, await api.post('/api/v1/namespaces/default/pods/x', pod('x')), 405, 'MethodNotAllowed');
    isStatus(t, await api.put('/api/v1/namespaces/default/pods', pod('x')), 405, 'MethodNotAllowed');
    isStatus(t, await api.post('/api/v1/pods', pod('x')), 405, 'MethodNotAllowed', 'namespace');
    isStatus(t, await api.post('/version', {}), 405, 'MethodNotAllowed');
  });

  test('creating into a missing namespace is 404 naming it', async (t) => {
    const { api } = fx();
    isStatus(t, await api.post('/api/v1/namespaces/no-such-ns/configmaps', configMap('x')), 404, 'NotFound', 'namespaces "no-such-ns" not found');
  });

  test('admission: a mutator changes the object; a broken result is 422; a refusal is 403 naming the plugin', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    const mutated = await api.post(`/api/v1/namespaces/${ns}/pods`, pod('m', { labels: { 'admission-test': 'mutate' } }));
    t.is(mutated.status, 201, mutated.text);
    t.is(mutated.body.metadata.labels.mutated, 'yes');
    isStatus(t, await api.post(`/api/v1/namespaces/${ns}/pods`, pod('b', { labels: { 'admission-test': 'break' } })), 422, 'Invalid', 'spec.containers');
    const denied = await api.post(`/api/v1/namespaces/${ns}/pods`, pod('d', { labels: { 'admission-test': 'deny' } }));
    isStatus(t, denied, 403, 'Forbidden', 'TestAdmissionPlugin', 'refused');
    t.is(denied.body.details.causes[0].field, 'metadata.labels');
    t.is((await api.get(`/api/v1/namespaces/${ns}/pods/d`)).status, 404);
    const update = await api.patch(`/api/v1/namespaces/${ns}/pods/m`, { metadata: { labels: { 'admission-test': 'deny' } } });
    isStatus(t, update, 403, 'Forbidden', 'TestAdmissionPlugin');
  });

  test('the server survives garbage: every error is a Status', async (t) => {
    const { api } = fx();
    const ns = await fx().namespace(t);
    for (const body of ['[]', '"text"', '42', 'null', '{"metadata": 5}', '{"apiVersion": 1}']) {
      const res = await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body, contentType: 'application/json' });
      t.true(res.status >= 400 && res.status < 500, `${body}: ${res.status} ${res.text}`);
      t.is(res.body?.kind, 'Status');
    }
    t.is((await api.get('/readyz')).status, 200);
  });
}
