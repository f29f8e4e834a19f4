import test from 'ava';
import { type Lease, type Secret } from '../../src/api/index.js';
import { accepted, causesOf, pod, summary } from './helpers.js';

const configMap = (fields: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'default' },
  ...fields,
});
const secret = (fields: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'default' },
  ...fields,
});

test('names: required unless generateName, path tricks refused, namespace rules per scope', (t) => {
  t.deepEqual(summary(causesOf(t, pod({}, { name: undefined }))), ['metadata.name FieldValueRequired']);
  t.notThrows(() => accepted(pod({}, { name: undefined, generateName: 'web-' })));
  t.deepEqual(summary(causesOf(t, pod({}, { name: undefined, generateName: 'Web-' }))), ['metadata.generateName FieldValueInvalid']);
  for (const name of ['..', 'a/b', 'a%2Fb', 'a\u0000b', '.']) {
    const causes = causesOf(t, pod({}, { name }));
    t.true(causes.length > 0 && causes.every((c) => c.field === 'metadata.name'), JSON.stringify(name));
  }
  const dotdot = causesOf(t, pod({}, { name: '..' }));
  t.is(dotdot[0]?.message, `Invalid value: "..": may not be '..'`);
  const ns = causesOf(t, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a', namespace: 'x' } });
  t.deepEqual(summary(ns), ['metadata.name FieldValueInvalid', 'metadata.namespace FieldValueForbidden']);
  t.deepEqual(summary(causesOf(t, pod({}, { namespace: 'Bad_NS' }))), ['metadata.namespace FieldValueInvalid']);
});

test('metadata: unknown fields, owner references, finalizers, annotation size', (t) => {
  const causes = causesOf(
    t,
    pod(
      {},
      {
        nmae: 'typo',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
        ],
        finalizers: ['bad finalizer'],
        annotations: { big: 'x'.repeat(300 * 1024) },
      },
    ),
  );
  t.deepEqual(summary(causes), [
    'metadata.nmae FieldValueUnknown',
    'metadata.annotations FieldValueTooLong',
    'metadata.ownerReferences FieldValueInvalid',
    'metadata.finalizers[0] FieldValueInvalid',
  ]);
  t.is(causes[1]?.message, 'Too long: may not be more than 262144 bytes in total');
});

test('ConfigMap keys are file names, unique across data and binaryData; binaryData is base64', (t) => {
  const causes = causesOf(t, configMap({ data: { 'a/b': 'x', ok: 'y', dup: 'z' }, binaryData: { dup: 'AAAA', raw: 'not base64!' } }));
  t.deepEqual(summary(causes), ['data[a/b] FieldValueInvalid', 'binaryData[raw] FieldValueInvalid', 'binaryData[dup] FieldValueDuplicate']);
  t.deepEqual(summary(causesOf(t, configMap({ data: { n: 1 } }))), ['data[n] FieldValueTypeInvalid']);
  t.notThrows(() => accepted(configMap({ data: { 'app.properties': 'a=b\n' }, immutable: true })));
});

test('Secret data is base64; well-known types need their keys', (t) => {
  t.deepEqual(summary(causesOf(t, secret({ data: { password: 'hunter2!' } }))), ['data[password] FieldValueInvalid']);
  const tls = causesOf(t, secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'AAAA' } }));
  t.deepEqual(summary(tls), ['data[tls.key] FieldValueRequired']);
  const out = accepted<Secret>(secret({ stringData: { password: 'hunter2' } }));
  t.deepEqual(out.data, { password: Buffer.from('hunter2').toString('base64') });
  t.is(out.type, 'Opaque');
});

test('Node: pod CIDRs, taints, addresses; it is cluster-scoped', (t) => {
  const causes = causesOf(t, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    spec: {
      podCIDR: '10.244.1.0/33',
      taints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'dedicated', value: 'other', effect: 'NoSchedule' },
        { key: 'x', effect: 'Sometimes' },
      ],
    },
    status: { capacity: { cpu: 'four' }, addresses: [{ type: 'InternalIP', address: 'node-1' }] },
  });
  t.deepEqual(summary(causes), [
    'spec.taints[2].effect FieldValueNotSupported',
    'status.capacity[cpu] FieldValueInvalid',
    // allocatable defaults to capacity, so the bad quantity is reported there too
    'status.allocatable[cpu] FieldValueInvalid',
    'spec.podCIDR FieldValueInvalid',
    'spec.taints[1] FieldValueDuplicate',
    'status.addresses[0].address FieldValueInvalid',
  ]);
  t.notThrows(() =>
    accepted({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
      spec: { podCIDR: '10.244.1.0/24' },
      status: { capacity: { cpu: '4', memory: '8Gi', pods: 110 }, addresses: [{ type: 'InternalIP', address: '10.0.0.5' }] },
    }),
  );
});

test('Event: involvedObject required and in the same namespace', (t) => {
  const event = (fields: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    reason: 'Scheduled',
    type: 'Normal',
    ...fields,
  });
  t.deepEqual(summary(causesOf(t, event({}))), ['involvedObject FieldValueRequired']);
  t.deepEqual(summary(causesOf(t, event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' }, type: 'Info' }))), [
    'type FieldValueNotSupported',
    'involvedObject.namespace FieldValueInvalid',
  ]);
  t.notThrows(() => accepted(event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, count: 1 })));
});

test('Lease: a coordination.k8s.io/v1 kind for heartbeats and leader election', (t) => {
  const lease = accepted<Lease>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'corral-node-lease' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123456Z' },
  });
  t.is(lease.spec?.holderIdentity, 'node-1');
  const causes = causesOf(t, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'l', namespace: 'default' },
    spec: { leaseDurationSeconds: 0, renewTime: 'yesterday' },
  });
  t.deepEqual(summary(causes), ['spec.leaseDurationSeconds FieldValueInvalid', 'spec.renewTime FieldValueInvalid']);
});
