// metadata.managedFields in protobuf: ObjectMeta field 17, each entry a ManagedFieldsEntry whose
// fieldsV1 travels as its JSON text; objects carrying them encode and decode losslessly.
import test from 'ava';
import { decodeProtobufObject, encodeProtobufObject } from '../../../src/server/protobuf/index.js';
import { Writer } from '../../../src/server/protobuf/wire.js';
import { configMap, useServer } from '../helpers.js';
import { fieldsOf } from './frames.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

const managedFields = [
  {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'v1',
    time: '2026-11-23T22:00:01Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:tier': {} } } },
  },
  { manager: 'kubelet', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
];

function withManagedFields(): Record<string, any> {
  const cm = configMap('mf', { a: '1' }, { tier: 'web' });
  return { ...cm, metadata: { ...cm.metadata, namespace: 'default', managedFields } };
}

const from = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

test('managedFields round trip through protobuf, fieldsV1 as JSON text in field 17 of ObjectMeta', (t) => {
  const object = withManagedFields();
  const bytes = encodeProtobufObject(object);
  t.deepEqual(decodeProtobufObject(bytes), object);

  // By hand: Unknown.raw (2) -> ConfigMap.metadata (1) -> ObjectMeta.managedFields (17).
  const unknown = fieldsOf(from(bytes).subarray(4));
  const cm = fieldsOf(unknown.find(([n]) => n === 2)![1] as Buffer);
  const meta = fieldsOf(cm.find(([n]) => n === 1)![1] as Buffer);
  const entries = meta.filter(([n]) => n === 17).map(([, v]) => fieldsOf(v as Buffer));
  t.is(entries.length, 2);
  const text = (entry: ReturnType<typeof fieldsOf>, n: number) => (entry.find(([f]) => f === n)?.[1] as Buffer | undefined)?.toString('utf8');
  t.is(text(entries[0]!, 1), 'kubectl-client-side-apply');
  t.is(text(entries[0]!, 6), 'FieldsV1');
  const time = fieldsOf(entries[0]!.find(([f]) => f === 4)![1] as Buffer);
  t.deepEqual(time, [[1, Date.parse('2026-11-23T22:00:01Z') / 1000]]);
  const fieldsV1 = fieldsOf(entries[0]!.find(([f]) => f === 7)![1] as Buffer);
  t.deepEqual(JSON.parse((fieldsV1[0]![1] as Buffer).toString('utf8')), managedFields[0]!.fieldsV1);
  t.is(text(entries[1]!, 8), 'status');
  t.is(entries[1]!.find(([f]) => f === 4), undefined, 'no time: none written');
});

test('fieldsV1 bytes that are not JSON are a 400 that says where', (t) => {
  const entry = new Writer().string(1, 'm').message(7, new Writer().bytes(1, Buffer.from('{not json')));
  const meta = new Writer().string(1, 'bad').message(17, entry);
  const body = new Writer().message(1, new Writer().string(1, 'v1').string(2, 'ConfigMap')).message(2, new Writer().message(1, meta));
  const bytes = Buffer.concat([Buffer.from('k8s\0', 'latin1'), body.finish()]);
  const err = t.throws(() => decodeProtobufObject(bytes));
  t.regex(err!.message, /metadata\.managedFields\[0\]\.fieldsV1 must hold JSON text/);
});

const fx = useServer(test, { backend: 'embedded' });

test('an object stored with managedFields is served whole in protobuf', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const object = withManagedFields();
  object.metadata.namespace = ns;
  const made = await api.post(`/api/v1/namespaces/${ns}/configmaps`, object);
  t.is(made.status, 201, made.text);
  const asJson = (await api.get(`/api/v1/namespaces/${ns}/configmaps/mf`)).body;
  t.true(Array.isArray(asJson.metadata.managedFields) && asJson.metadata.managedFields.length > 0, 'the server keeps managedFields');
  const res = await fetch(`${fx().server.url}/api/v1/namespaces/${ns}/configmaps/mf`, { headers: { accept: PROTOBUF } });
  t.is(res.headers.get('content-type'), PROTOBUF);
  t.is(res.headers.get('warning'), null);
  t.deepEqual(decodeProtobufObject(Buffer.from(await res.arrayBuffer())), asJson);
});
