import test from 'ava';
import { type ApiObject, type Pod, type Service } from '../../src/api/index.js';
import { accepted, causesOf, deployment, job, pod, service, summary, template } from './helpers.js';

const stored = <T extends ApiObject>(obj: Record<string, unknown>): T =>
  accepted<T>({ ...obj, metadata: { ...(obj.metadata as object), uid: 'uid-1', creationTimestamp: '2024-01-01T00:00:00Z' } });

test('a pod may change its images, lower its deadline and add tolerations', (t) => {
  const old = stored<Pod>(pod({ activeDeadlineSeconds: 600, tolerations: [{ key: 'a', operator: 'Exists' }] }));
  const next = structuredClone(old);
  next.spec.containers[0]!.image = 'nginx:1.26';
  next.spec.activeDeadlineSeconds = 300;
  next.spec.tolerations!.push({ key: 'b', operator: 'Exists' });
  t.notThrows(() => accepted(next, old));
});

test('any other pod spec change is forbidden', (t) => {
  const old = stored<Pod>(pod({ activeDeadlineSeconds: 600, tolerations: [{ key: 'a', operator: 'Exists' }] }));
  const next = structuredClone(old);
  next.spec.restartPolicy = 'Never';
  next.spec.activeDeadlineSeconds = 900;
  next.spec.tolerations = [];
  const causes = causesOf(t, next, old);
  t.deepEqual(summary(causes), [
    'spec.activeDeadlineSeconds FieldValueInvalid',
    'spec.tolerations FieldValueForbidden',
    'spec FieldValueForbidden',
  ]);
  t.regex(causes[2]?.message ?? '', /^Forbidden: pod updates may not change fields other than spec.containers\[\*\].image/);
  const added = structuredClone(old);
  added.spec.containers.push({ name: 'sidecar', image: 'busybox' });
  t.deepEqual(summary(causesOf(t, added, old)), ['spec FieldValueForbidden']);
});

test('metadata name, namespace, uid and creationTimestamp never change; uid may be left out', (t) => {
  const old = stored<Pod>(pod());
  const renamed = { ...old, metadata: { ...old.metadata, name: 'other', uid: 'uid-2', creationTimestamp: '2025-01-01T00:00:00Z' } };
  t.deepEqual(summary(causesOf(t, renamed, old)), [
    'metadata.name FieldValueInvalid',
    'metadata.uid FieldValueInvalid',
    'metadata.creationTimestamp FieldValueInvalid',
  ]);
  const { uid: _uid, creationTimestamp: _ts, ...meta } = old.metadata;
  const out = accepted<Pod>({ ...old, metadata: { ...meta, labels: { new: 'label' } } }, old);
  t.is(out.metadata.uid, 'uid-1');
  t.throws(() => accepted({ ...old, metadata: { ...old.metadata, namespace: 'other' } }, old), { message: /does not match the namespace/ });
});

test("a Service's clusterIP is kept once set; an update may leave it (and node ports) out", (t) => {
  const old = stored<Service>(service({ type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080 }] }));
  const changed = structuredClone(old);
  changed.spec.clusterIP = '10.96.0.21';
  changed.spec.clusterIPs = ['10.96.0.21'];
  t.deepEqual(summary(causesOf(t, changed, old)), ['spec.clusterIP FieldValueInvalid', 'spec.clusterIPs[0] FieldValueInvalid']);
  const reapplied = accepted<Service>(service({ type: 'NodePort', ports: [{ port: 80 }] }), old);
  t.is(reapplied.spec.clusterIP, '10.96.0.20');
  t.is(reapplied.spec.ports?.[0]?.nodePort, 30080);
  t.notThrows(() => accepted(service({ type: 'ExternalName', externalName: 'db.example.com', ports: undefined }), old));
});

test('Deployment, ReplicaSet and Job selectors are immutable; so is a Job template', (t) => {
  const oldDeploy = stored(deployment());
  const moved = deployment({ selector: { matchLabels: { app: 'web', v: '2' } }, template: template({ app: 'web', v: '2' }) });
  t.deepEqual(summary(causesOf(t, moved, oldDeploy)), ['spec.selector FieldValueInvalid']);
  t.notThrows(() => accepted(deployment({ replicas: 5, template: template({ app: 'web', v: '2' }) }), oldDeploy));

  const oldJob = stored(job());
  const newTemplate = job({ template: template({ app: 'pi' }, { restartPolicy: 'OnFailure' }) });
  t.deepEqual(summary(causesOf(t, newTemplate, oldJob)), ['spec.template FieldValueInvalid']);
  t.notThrows(() => accepted(job({ parallelism: 4 }), oldJob));
});

test('an immutable ConfigMap or Secret keeps its data and the mark', (t) => {
  const old = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1' }, immutable: true });
  const changed = { ...old, data: { a: '2' }, immutable: false };
  const causes = causesOf(t, changed, old);
  t.deepEqual(summary(causes), ['immutable FieldValueForbidden', 'data FieldValueForbidden']);
  t.is(causes[1]?.message, 'Forbidden: field is immutable when `immutable` is set');
  t.notThrows(() => accepted({ ...old, metadata: { ...old.metadata, labels: { a: 'b' } } }, old));
  const mutable = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'default' }, data: { a: '1' } });
  t.notThrows(() => accepted({ ...mutable, data: { a: '2' } }, mutable));

  const secret = stored({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { a: 'YQ==' }, immutable: true });
  t.deepEqual(summary(causesOf(t, { ...secret, type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }, secret)), [
    'type FieldValueInvalid',
    'data FieldValueForbidden',
  ]);
});
