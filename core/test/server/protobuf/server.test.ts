// The API server with protobuf bodies: kubectl's bytes create objects through the same admission
// and validation as JSON, answers are JSON unless the client accepts only protobuf, and what
// cannot be served as protobuf is a 406 that says so.
import test from 'ava';
import { decodeProtobufObject, encodeProtobufObject } from '../../../src/server/protobuf/index.js';
import { Writer } from '../../../src/server/protobuf/wire.js';
import { deployment, useServer } from '../helpers.js';
import { kubectlBody } from './kubectl-bodies.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const KUBECTL_ACCEPT = `${PROTOBUF},application/json`;

const fixture = useServer(test, { backend: 'embedded' });

interface Answer {
  status: number;
  type: string;
  bytes: Buffer;
  json: any;
}

async function call(method: string, path: string, body?: Uint8Array, accept = KUBECTL_ACCEPT, contentType = PROTOBUF): Promise<Answer> {
  const res = await fetch(fixture().server.url + path, {
    method,
    headers: { accept, ...(body ? { 'content-type': contentType } : {}) },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  let json: unknown;
  if (type.startsWith('application/json')) json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, type, bytes, json };
}

async function getJson(path: string): Promise<any> {
  return (await fixture().api.get(path)).body;
}

/** A protobuf body holding an empty object of a kind Corral does not read from protobuf. */
function encodeEnvelope(apiVersion: string, kind: string): Buffer {
  const unknown = new Writer().message(1, new Writer().string(1, apiVersion).string(2, kind)).message(2, new Writer().message(1, new Writer().string(1, 'x')));
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown.finish()]);
}

/** kubectl's bytes with the namespace a test works in (kubectl leaves it to the URL). */
const created = (ns: string, plural: string, group = '') => `${group ? `/apis/${group}` : '/api/v1'}/namespaces/${ns}/${plural}`;

test('kubectl create bodies for every kind create the objects, answered in JSON', async (t) => {
  const ns = await fixture().namespace(t);
  const cases: [Parameters<typeof kubectlBody>[0], string, string][] = [
    ['deployment', created(ns, 'deployments', 'apps/v1'), 'web'],
    ['configMap', created(ns, 'configmaps'), 'cfg'],
    ['binaryConfigMap', created(ns, 'configmaps'), 'bin'],
    ['secret', created(ns, 'secrets'), 'sec'],
    ['service', created(ns, 'services'), 'svc1'],
    ['job', created(ns, 'jobs', 'batch/v1'), 'j1'],
    ['cronJob', created(ns, 'cronjobs', 'batch/v1'), 'cj1'],
    ['serviceAccount', created(ns, 'serviceaccounts'), 'sa1'],
  ];
  for (const [body, path, name] of cases) {
    const res = await call('POST', `${path}?fieldManager=kubectl-create&fieldValidation=Strict`, kubectlBody(body));
    t.is(res.status, 201, `${body}: ${res.bytes.toString()}`);
    t.regex(res.type, /^application\/json/);
    t.is(res.json.metadata.name, name);
    t.is(res.json.metadata.namespace, ns);
    // Read back as protobuf, the stored (defaulted) object is whole: every field it has is in the tables.
    const asProtobuf = await call('GET', `${path}/${name}`, undefined, PROTOBUF);
    t.is(asProtobuf.type, PROTOBUF, `${body}: ${asProtobuf.bytes.toString()}`);
    t.deepEqual(decodeProtobufObject(asProtobuf.bytes), await getJson(`${path}/${name}`));
  }
  const web = await getJson(`${created(ns, 'deployments', 'apps/v1')}/web`);
  // Defaulted as a JSON body would be.
  t.like(web.spec, { replicas: 2, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' } });
  t.like(web.spec.template.spec.containers[0], { image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }] });
  const secret = await getJson(`${created(ns, 'secrets')}/sec`);
  t.is(secret.type, 'Opaque');
  t.is(Buffer.from(secret.data.pw, 'base64').toString(), 'hunter2');
  t.deepEqual((await getJson(`${created(ns, 'configmaps')}/cfg`)).data, { a: '1', b: '' });
  const svc = await getJson(`${created(ns, 'services')}/svc1`);
  t.regex(svc.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
  t.is(svc.spec.ports[0].targetPort, 8080);
  t.is((await getJson(`${created(ns, 'cronjobs', 'batch/v1')}/cj1`)).spec.schedule, '*/5 * * * *');
  const namespaced = await call('POST', '/api/v1/namespaces', kubectlBody('namespace'));
  t.is(namespaced.status, 201, namespaced.bytes.toString());
  t.teardown(() => fixture().api.delete('/api/v1/namespaces/team-a').then(() => undefined));
});

test('the same rules apply as to JSON: invalid objects are 422, wrong kinds and namespaces 400, nothing stored', async (t) => {
  const ns = await fixture().namespace(t);
  const bad = deployment('mismatch');
  (bad.spec as any).template.metadata.labels = { app: 'other' };
  const invalid = await call('POST', created(ns, 'deployments', 'apps/v1'), encodeProtobufObject(bad));
  t.is(invalid.status, 422, invalid.bytes.toString());
  t.regex(invalid.json.message, /selector/);
  t.is(invalid.json.details.causes[0].field, 'spec.template.metadata.labels');
  const wrongKind = await call('POST', created(ns, 'deployments', 'apps/v1'), kubectlBody('job'));
  t.is(wrongKind.status, 400);
  t.regex(wrongKind.json.message, /apiVersion "batch\/v1" does not match/);
  const other = deployment('elsewhere');
  other.metadata.namespace = 'somewhere-else';
  const wrongNs = await call('POST', created(ns, 'deployments', 'apps/v1'), encodeProtobufObject(other));
  t.is(wrongNs.status, 400);
  t.regex(wrongNs.json.message, /namespace/);
  const list = await getJson(created(ns, 'deployments', 'apps/v1'));
  t.deepEqual(list.items, []);
});

test('unknown fields, broken bytes and unread kinds: 400 and 415 with what and where', async (t) => {
  const ns = await fixture().namespace(t);
  const body = Buffer.from(kubectlBody('configMap'));
  const truncated = await call('POST', created(ns, 'configmaps'), body.subarray(0, body.length - 8));
  t.is(truncated.status, 400);
  t.regex(truncated.json.message, /not a valid Kubernetes protobuf object: .* at byte \d+/);
  const json = await call('POST', created(ns, 'configmaps'), Buffer.from('{"apiVersion":"v1"}'));
  t.is(json.status, 400);
  t.regex(json.json.message, /k8s\\0/);
  const quota = await call('POST', created(ns, 'configmaps'), encodeEnvelope('v1', 'ResourceQuota'));
  t.is(quota.status, 415);
  t.regex(quota.json.message, /ResourceQuota/);
  t.deepEqual((await getJson(created(ns, 'configmaps'))).items, []);
});

test('update and delete take protobuf bodies too', async (t) => {
  const ns = await fixture().namespace(t);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
  t.is((await call('POST', created(ns, 'configmaps'), encodeProtobufObject(cm))).status, 201);
  const current = await getJson(`${created(ns, 'configmaps')}/c`);
  const put = await call('PUT', `${created(ns, 'configmaps')}/c`, encodeProtobufObject({ ...current, data: { a: '2' } }));
  t.is(put.status, 200, put.bytes.toString());
  t.deepEqual(put.json.data, { a: '2' });
  const stale = await call('PUT', `${created(ns, 'configmaps')}/c`, encodeProtobufObject({ ...current, data: { a: '3' } }));
  t.is(stale.status, 409);
  const options = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: '1' } };
  const refused = await call('DELETE', `${created(ns, 'configmaps')}/c`, encodeProtobufObject(options));
  t.is(refused.status, 409, refused.bytes.toString());
  const deleted = await call('DELETE', `${created(ns, 'configmaps')}/c`, encodeProtobufObject({ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }));
  t.is(deleted.status, 200, deleted.bytes.toString());
});

test('a client that accepts only protobuf gets protobuf objects and lists; JSON whenever it may', async (t) => {
  const ns = await fixture().namespace(t);
  const made = await call('POST', created(ns, 'deployments', 'apps/v1'), encodeProtobufObject(deployment('pb', 2)), PROTOBUF);
  t.is(made.status, 201);
  t.is(made.type, PROTOBUF);
  const path = `${created(ns, 'deployments', 'apps/v1')}/pb`;
  const asJson = await getJson(path);
  t.deepEqual(decodeProtobufObject(made.bytes), asJson);
  const got = await call('GET', path, undefined, PROTOBUF);
  t.is(got.type, PROTOBUF);
  t.deepEqual(decodeProtobufObject(got.bytes), asJson);
  const list = await call('GET', created(ns, 'deployments', 'apps/v1'), undefined, `${PROTOBUF};q=0.9`);
  const decoded = decodeProtobufObject(list.bytes) as any;
  t.is(decoded.kind, 'DeploymentList');
  t.is(decoded.items.length, 1);
  t.is(decoded.items[0].metadata.name, 'pb');
  const scale = await call('GET', `${path}/scale`, undefined, PROTOBUF);
  t.like(decodeProtobufObject(scale.bytes), { kind: 'Scale', spec: { replicas: 2 } });
  // kubectl's own Accept names JSON as well: it gets JSON.
  t.regex((await call('GET', path, undefined, KUBECTL_ACCEPT)).type, /^application\/json/);
});

test('an object protobuf cannot carry whole is answered in JSON with a Warning that says why', async (t) => {
  const ns = await fixture().namespace(t);
  const base = created(ns, 'deployments', 'apps/v1');
  t.is((await fixture().api.post(base, deployment('odd'))).status, 201);
  const current = await getJson(`${base}/odd`);
  // Corral's shared replica-status schema allows a field Kubernetes' DeploymentStatus does not have.
  const status = await fixture().api.put(`${base}/odd/status`, { ...current, status: { replicas: 1, fullyLabeledReplicas: 1 } });
  t.is(status.status, 200, status.text);
  const res = await fetch(`${fixture().server.url}${base}/odd`, { headers: { accept: PROTOBUF } });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^application\/json/);
  t.regex(res.headers.get('warning') ?? '', /answered in JSON: status\.fullyLabeledReplicas has no field in k8s\.io\.api\.apps\.v1\.DeploymentStatus/);
  t.is(((await res.json()) as any).status.fullyLabeledReplicas, 1);
});

test('tables and discovery are not served as protobuf: a 406 that says so', async (t) => {
  const ns = await fixture().namespace(t);
  for (const path of ['/api', '/apis/apps/v1']) {
    const res = await call('GET', path, undefined, PROTOBUF);
    t.is(res.status, 406, path);
    t.regex(res.json.message, /application\/vnd\.kubernetes\.protobuf is served for objects, lists and watches of the built-in kinds.*add application\/json/, path);
  }
  const table = await call('GET', created(ns, 'configmaps'), undefined, `${PROTOBUF};as=Table;v=v1;g=meta.k8s.io`);
  t.is(table.status, 406);
  t.regex(table.json.message, /a Table is served as application\/json or application\/yaml only/);
});
