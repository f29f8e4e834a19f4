// The ServiceAccount kind: its definition, schema and rules, its Table printer, and the API
// serving it (JSON, Table and protobuf) as Kubernetes does.
import test from 'ava';
import { builtinResources, findResource, type ServiceAccount } from '../src/api/index.js';
import { decodeProtobufObject, encodeProtobufObject } from '../src/server/protobuf/index.js';
import { toTable } from '../src/server/table/index.js';
import { startTestApiServer, type TestApiServer } from '../src/testing/index.js';
import { accepted, causesOf, summary } from './api/helpers.js';

const sa = (fields: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'build-bot', namespace: 'default', ...meta },
  ...fields,
});

let server: TestApiServer;

test.before(async () => {
  server = await startTestApiServer({ backend: 'embedded' });
});

test.after.always(async () => {
  await server?.close();
});

test('the definition: v1, serviceaccounts, short name sa, namespaced, no status', (t) => {
  const def = findResource(builtinResources, { kind: 'ServiceAccount' });
  t.like(def, { group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', listKind: 'ServiceAccountList', namespaced: true });
  t.deepEqual(def?.shortNames, ['sa']);
  t.deepEqual(def?.subresources, {});
  t.is(findResource(builtinResources, { resource: 'sa' })?.kind, 'ServiceAccount');
});

test('every field of the real type is accepted and kept as given', (t) => {
  const full = sa({
    secrets: [{ kind: 'Secret', name: 'bot-token', namespace: 'default', apiVersion: 'v1' }],
    imagePullSecrets: [{ name: 'registry' }, { name: 'mirror.example' }],
    automountServiceAccountToken: false,
  });
  t.deepEqual(accepted<ServiceAccount>(full), full);
  t.notThrows(() => accepted(sa()));
});

test('bad fields are Invalid with every cause and its path', (t) => {
  const causes = causesOf(
    t,
    sa({
      secrets: [{ kind: 'Secret' }, { name: 'Not_Valid' }, 'token'],
      imagePullSecrets: [{ name: '' }, { name: 'ok' }, { nmae: 'typo' }],
      automountServiceAccountToken: 'yes',
      spec: {},
    }),
  );
  t.deepEqual(summary(causes).sort(), [
    'automountServiceAccountToken FieldValueTypeInvalid',
    'imagePullSecrets[0].name FieldValueRequired',
    'imagePullSecrets[2].name FieldValueRequired',
    'imagePullSecrets[2].nmae FieldValueUnknown',
    'secrets[0].name FieldValueRequired',
    'secrets[1].name FieldValueInvalid',
    'secrets[2] FieldValueTypeInvalid',
    'spec FieldValueUnknown',
  ]);
  const required = causes.find((c) => c.field === 'secrets[0].name');
  t.is(required?.message, 'Required value: the name of a Secret in the same namespace');
  t.regex(causes.find((c) => c.field === 'secrets[1].name')!.message!, /^Invalid value: "Not_Valid": must be a DNS-1123 subdomain/);
  t.deepEqual(summary(causesOf(t, sa({}, { name: 'Build_Bot' }))), ['metadata.name FieldValueInvalid']);
});

test('the Table printer: NAME, SECRETS, AGE', (t) => {
  const now = new Date('2024-05-01T12:00:00Z');
  const table = toTable(
    'ServiceAccount',
    [sa({ secrets: [{ name: 'a' }, { name: 'b' }] }, { creationTimestamp: '2024-04-29T09:00:00Z' }), sa({}, { name: 'default', creationTimestamp: '2024-05-01T11:59:30Z' })],
    { now },
  );
  t.deepEqual(table.columnDefinitions.map((c) => c.name.toUpperCase()), ['NAME', 'SECRETS', 'AGE']);
  t.deepEqual(table.rows.map((r) => r.cells), [['build-bot', 2, '2d3h'], ['default', 0, '30s']]);
});

/** A namespace of the test's own, so that lists hold only its objects. */
async function namespace(name: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/namespaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) });
  if (res.status !== 201) throw new Error(`creating namespace ${name}: ${res.status} ${await res.text()}`);
  return name;
}

test('the API serves it: create, get, list as a Table, update, delete', async (t) => {
  const ns = await namespace('sa-api');
  const base = `${server.url}/api/v1/namespaces/${ns}/serviceaccounts`;
  const json = { 'content-type': 'application/json' };
  const created = await fetch(base, { method: 'POST', headers: json, body: JSON.stringify(sa({ imagePullSecrets: [{ name: 'registry' }] }, { namespace: ns })) });
  t.is(created.status, 201);
  const stored = (await created.json()) as ServiceAccount;
  t.truthy(stored.metadata.uid);
  t.deepEqual(stored.imagePullSecrets, [{ name: 'registry' }]);

  const table = await fetch(base, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
  const body = (await table.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  t.is(body.kind, 'Table');
  t.deepEqual(body.columnDefinitions.map((c) => c.name), ['Name', 'Secrets', 'Age']);
  t.deepEqual(body.rows.map((r) => r.cells.slice(0, 2)), [['build-bot', 0]]);

  const updated = await fetch(`${base}/build-bot`, { method: 'PUT', headers: json, body: JSON.stringify({ ...stored, secrets: [{ name: 'bot-token' }], automountServiceAccountToken: false }) });
  t.is(updated.status, 200);
  t.like(await updated.json(), { secrets: [{ name: 'bot-token' }], automountServiceAccountToken: false });

  const invalid = await fetch(base, { method: 'POST', headers: json, body: JSON.stringify(sa({ secrets: [{}] }, { name: 'broken', namespace: ns })) });
  t.is(invalid.status, 422);
  t.like(await invalid.json(), { reason: 'Invalid', details: { kind: 'ServiceAccount', name: 'broken', causes: [{ field: 'secrets[0].name', reason: 'FieldValueRequired' }] } });

  const deleted = await fetch(`${base}/build-bot`, { method: 'DELETE' });
  t.is(deleted.status, 200);
  t.is((await fetch(`${base}/build-bot`)).status, 404);
});

test('protobuf: a ServiceAccount is read from and written as Kubernetes protobuf', async (t) => {
  const ns = await namespace('sa-protobuf');
  const base = `${server.url}/api/v1/namespaces/${ns}/serviceaccounts`;
  const PROTOBUF = 'application/vnd.kubernetes.protobuf';
  const object = sa({ secrets: [{ kind: 'Secret', name: 'pb-token' }], automountServiceAccountToken: true }, { name: 'pb-bot', namespace: ns });
  const created = await fetch(base, { method: 'POST', headers: { 'content-type': PROTOBUF, accept: PROTOBUF }, body: encodeProtobufObject(object) });
  t.is(created.status, 201);
  t.is(created.headers.get('content-type'), PROTOBUF);
  const answered = decodeProtobufObject(Buffer.from(await created.arrayBuffer())) as ServiceAccount;
  t.like(answered, { kind: 'ServiceAccount', metadata: { name: 'pb-bot', namespace: ns }, secrets: [{ kind: 'Secret', name: 'pb-token' }], automountServiceAccountToken: true });
  const list = await fetch(base, { headers: { accept: PROTOBUF } });
  t.is(list.headers.get('content-type'), PROTOBUF);
  const items = (decodeProtobufObject(Buffer.from(await list.arrayBuffer())) as { items: ServiceAccount[] }).items;
  t.deepEqual(items.map((i) => i.metadata.name), ['pb-bot']);
});

test('discovery lists serviceaccounts with its short name and verbs', async (t) => {
  const v1 = (await (await fetch(`${server.url}/api/v1`)).json()) as { resources: { name: string; kind: string; shortNames?: string[]; namespaced: boolean; verbs: string[] }[] };
  const found = v1.resources.find((r) => r.name === 'serviceaccounts');
  t.like(found, { kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] });
  t.deepEqual(found?.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  const openapi = (await (await fetch(`${server.url}/openapi/v2`)).json()) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
  t.deepEqual(Object.keys(openapi.definitions['io.k8s.api.core.v1.ServiceAccount']?.properties ?? {}).sort(), [
    'apiVersion',
    'automountServiceAccountToken',
    'imagePullSecrets',
    'kind',
    'metadata',
    'secrets',
  ]);
});
