// Hostile bodies and URLs: a missing kind or apiVersion, repeated keys under each
// fieldValidation, names no store key may hold, deep nesting. Each a 4xx naming the problem,
// nothing stored. Plus the body scanner's own cases.
import test from 'ava';
import { dropsKeys, findDuplicateKey, MAX_BODY_DEPTH, measureValue, nestsTooDeep, scanJsonText } from '../../src/server/bodyShape.js';
import { configMap, isStatus, useServer } from './helpers.js';

const fx = useServer(test, { backend: 'embedded' });

test('the scanner counts keys outside strings, with escapes, and the depth', (t) => {
  t.deepEqual(scanJsonText('{"a":1,"b":{"c":"x\\":y","d":["e:", {"f": 2}]}}'), { keys: 5, depth: 4 });
  t.deepEqual(scanJsonText('{"a\\\\":1}'), { keys: 1, depth: 1 });
  t.deepEqual(scanJsonText('"just a string"'), { keys: 0, depth: 0 });
  t.is(scanJsonText('['.repeat(100_000)).depth, MAX_BODY_DEPTH + 1, 'counting stops past the limit');
  t.deepEqual(measureValue({ a: 1, b: { c: 'x', d: ['e', { f: 2 }] } }), { keys: 5, depth: 4 });
});

test('lost keys are found from colon counts, whatever colons the strings hold', (t) => {
  const lost = (text: string) => dropsKeys(text, JSON.parse(text));
  t.false(lost('{"a":"x:y","b:c":["d:e",{"f":"::"}]}'));
  t.true(lost('{"a":"x:y","b:c":["d:e",{"f":"::","f":1}]}'));
  t.true(lost('{"a:b":1,"a:b":2}'));
  t.true(lost('{"a":{"k":"1:2:3"},"a":{}}'), 'the dropped value held colons of its own');
  t.false(lost('{"a":"\\u003a","b":1}'), 'a colon written as an escape');
  t.true(lost('{"a":"\\u003a","b":1,"b":2}'), 'an escaped colon cannot hide a repeat');
  t.false(lost('"a:b"'));
  t.false(lost('[1,2,{"x":3}]'));
  t.false(nestsTooDeep('{"a":[' + '{"b":1},'.repeat(500) + '{}]}'), 'many brackets, shallow');
  t.true(nestsTooDeep('['.repeat(MAX_BODY_DEPTH + 1) + ']'.repeat(MAX_BODY_DEPTH + 1)));
  t.false(nestsTooDeep('['.repeat(MAX_BODY_DEPTH) + ']'.repeat(MAX_BODY_DEPTH)));
});

test('the slow path names the repeated key with its path', (t) => {
  t.is(findDuplicateKey('{"kind":"Other","kind":"Pod"}'), 'kind');
  t.is(findDuplicateKey('{"metadata":{"name":"a","labels":{},"name":"b"}}'), 'metadata.name');
  t.is(findDuplicateKey('{"spec":{"containers":[{"name":"a"},{"name":"b","image":"x","image":"y"}]}}'), 'spec.containers[1].image');
  t.is(findDuplicateKey('{"a":{"x":1},"b":{"x":1}}'), undefined, 'the same key in two objects is no repeat');
  t.is(findDuplicateKey('{"a\\"":1,"a":2}'), undefined);
});

test('a body without kind or apiVersion is 400 in Kubernetes words; nothing is stored', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const noKind = { apiVersion: 'v1', metadata: { name: 'nokind' }, data: { a: '1' } };
  isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, noKind), 400, 'BadRequest', "Object 'Kind' is missing in", 'must set kind');
  isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, { ...noKind, kind: '' }), 400, 'BadRequest', "Object 'Kind' is missing");
  const noVersion = { kind: 'ConfigMap', metadata: { name: 'noversion' } };
  isStatus(t, await api.post(`/api/v1/namespaces/${ns}/configmaps`, noVersion), 400, 'BadRequest', "Object 'apiVersion' is missing in");
  const yaml = 'apiVersion: v1\nmetadata:\n  name: nokind\n';
  isStatus(t, await api.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: yaml, contentType: 'application/yaml' }), 400, 'BadRequest', "Object 'Kind' is missing");
  isStatus(t, await api.put(`/api/v1/namespaces/${ns}/configmaps/nokind`, noKind), 400, 'BadRequest', "Object 'Kind' is missing");
  t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.items.length, 0);
  // A patch is no object: it needs neither.
  t.is((await api.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('p'))).status, 201);
  t.is((await api.patch(`/api/v1/namespaces/${ns}/configmaps/p`, { data: { b: '2' } })).status, 200);
});

test('a repeated key: Strict refuses it naming the field, Warn takes it with a Warning, Ignore takes it', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const twoKinds = '{"kind":"Other","apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"k"}}';
  isStatus(t, await api.request('POST', path, { body: twoKinds }), 400, 'BadRequest', 'duplicate field "kind"');
  const twoNames = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"}}';
  isStatus(t, await api.request('POST', `${path}?fieldValidation=Strict`, { body: twoNames }), 400, 'BadRequest', 'duplicate field "metadata.name"');
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: "1"\n  a: "2"\n';
  isStatus(t, await api.request('POST', path, { body: yaml, contentType: 'application/yaml' }), 400, 'BadRequest', 'duplicate field "a"', 'line 7');
  const patch = await api.request('PATCH', `${path}/k`, { body: '{"data":{"a":"1","a":"2"}}', contentType: 'application/merge-patch+json' });
  isStatus(t, patch, 400, 'BadRequest', 'duplicate field "data.a"');
  t.is((await api.get(path)).body.items.length, 0, 'nothing stored under Strict');

  const warned = await api.request('POST', `${path}?fieldValidation=Warn`, { body: twoNames });
  t.is(warned.status, 201, warned.text);
  t.is(warned.body.metadata.name, 'b', 'the last value wins');
  t.regex(warned.headers.get('warning') ?? '', /^299 - "duplicate field \\"metadata\.name\\""/);
  const warnedYaml = await api.request('POST', `${path}?fieldValidation=Warn`, { body: yaml, contentType: 'application/yaml' });
  t.is(warnedYaml.status, 201, warnedYaml.text);
  t.deepEqual(warnedYaml.body.data, { a: '2' });
  t.regex(warnedYaml.headers.get('warning') ?? '', /duplicate field \\"a\\"/);

  const ignored = await api.request('POST', `${path}?fieldValidation=Ignore`, { body: twoKinds });
  t.is(ignored.status, 201, ignored.text);
  t.is(ignored.headers.get('warning'), null);
  // A normal body carries no warning.
  const plain = await api.post(`${path}?fieldValidation=Warn`, configMap('plain'));
  t.is(plain.status, 201);
  t.is(plain.headers.get('warning'), null);
});

test('a name or namespace in the URL that no object can have is 400 naming metadata.name, before the store', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  // ('..' alone cannot be sent with fetch, which resolves it in the URL.)
  for (const name of ['../x', 'a/b', '/abs', 'a%2Fb', 'nul\u0000byte']) {
    const url = `/api/v1/namespaces/${ns}/configmaps/${encodeURIComponent(name)}`;
    const put = await api.put(url, configMap(name));
    isStatus(t, put, 400, 'BadRequest', 'metadata.name: Invalid value');
    t.false(/key|internal/i.test(put.body.message), `no store words: ${put.body.message}`);
    t.is(put.body.details?.causes?.[0]?.field, 'metadata.name');
    isStatus(t, await api.get(url), 400, 'BadRequest', 'metadata.name');
    isStatus(t, await api.delete(url), 400, 'BadRequest', 'metadata.name');
  }
  isStatus(t, await api.get('/api/v1/namespaces/a%2Fb/configmaps/x'), 400, 'BadRequest', 'metadata.namespace');
  t.is((await api.get(`/api/v1/namespaces/${ns}/configmaps`)).body.items.length, 0);
});

test('a body nested past the limit is 400 saying so, in JSON, YAML and patches; the limit itself is fine', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  for (const depth of [MAX_BODY_DEPTH, 10_000, 100_000]) {
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${nested(depth)}}`;
    isStatus(t, await api.request('POST', path, { body }), 400, 'BadRequest', `deeper than ${MAX_BODY_DEPTH} levels`);
    const arrays = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    isStatus(t, await api.request('POST', path, { body: arrays }), 400, 'BadRequest', 'deeper than');
  }
  const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
  const answer = await api.request('POST', path, { body: yaml, contentType: 'application/yaml' });
  t.is(answer.status, 400, answer.text);
  t.regex(answer.body.message, /deeper than|YAML/);
  const blockYaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n${Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i)}k:\n`).join('')}${'  '.repeat(150)}v: 1\n`;
  isStatus(t, await api.request('POST', path, { body: blockYaml, contentType: 'application/yaml' }), 400, 'BadRequest', 'deeper than');
  t.is((await api.post(path, configMap('p'))).status, 201);
  isStatus(t, await api.patch(`${path}/p`, `{"data":${nested(1000)}}`), 400, 'BadRequest', 'deeper than');
  // Shallow enough: the depth is not what is refused (the unknown field is).
  const ok = await api.request('POST', path, { body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${nested(50)}}` });
  t.is(ok.status, 422, ok.text);
  t.regex(ok.body.message, /\bx\b/);
  t.is((await api.get(path)).body.items.length, 1);
});
