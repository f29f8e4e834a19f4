import test from 'ava';
import {
  apiVersionOf,
  ApiError,
  builtinResources,
  findResource,
  parseApiVersion,
  prepareForCreate,
  resolveDefinition,
  type Pod,
} from '../../src/api/index.js';
import { pod } from './helpers.js';

test('one definition per built-in kind, in its group', (t) => {
  t.deepEqual(
    builtinResources.map((d) => `${apiVersionOf(d)} ${d.kind} ${d.plural} ${d.namespaced ? 'ns' : 'cluster'}`),
    [
      'v1 Namespace namespaces cluster',
      'v1 Node nodes cluster',
      'v1 Pod pods ns',
      'v1 Service services ns',
      'v1 Endpoints endpoints ns',
      'v1 ReplicationController replicationcontrollers ns',
      'v1 ConfigMap configmaps ns',
      'v1 Secret secrets ns',
      'v1 ServiceAccount serviceaccounts ns',
      'v1 Event events ns',
      'apps/v1 Deployment deployments ns',
      'apps/v1 ReplicaSet replicasets ns',
      'batch/v1 Job jobs ns',
      'batch/v1 CronJob cronjobs ns',
      'coordination.k8s.io/v1 Lease leases ns',
    ],
  );
  for (const d of builtinResources) {
    t.is(d.listKind, `${d.kind}List`);
    t.truthy(d.schema);
  }
});

test("short names are kubectl's", (t) => {
  const short = Object.fromEntries(builtinResources.map((d) => [d.kind, d.shortNames.join(',')]));
  t.like(short, {
    Pod: 'po',
    Service: 'svc',
    Endpoints: 'ep',
    ReplicationController: 'rc',
    ReplicaSet: 'rs',
    Deployment: 'deploy',
    ConfigMap: 'cm',
    Namespace: 'ns',
    Node: 'no',
    Event: 'ev',
    CronJob: 'cj',
    ServiceAccount: 'sa',
  });
});

test('status and scale subresources', (t) => {
  const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };
  for (const kind of ['Deployment', 'ReplicaSet', 'ReplicationController']) {
    t.deepEqual(findResource(builtinResources, { kind })?.subresources, { status: true, scale }, kind);
  }
  t.deepEqual(findResource(builtinResources, { kind: 'Pod' })?.subresources, { status: true });
  t.deepEqual(findResource(builtinResources, { kind: 'ConfigMap' })?.subresources, {});
});

test('findResource by kind, plural, short name, or any typed name with an optional group', (t) => {
  t.is(findResource(builtinResources, { group: 'apps', version: 'v1', kind: 'Deployment' })?.plural, 'deployments');
  t.is(findResource(builtinResources, { plural: 'cronjobs' })?.kind, 'CronJob');
  t.is(findResource(builtinResources, { shortName: 'svc' })?.kind, 'Service');
  for (const typed of ['po', 'pod', 'pods', 'Pod', 'PODS']) t.is(findResource(builtinResources, { resource: typed })?.kind, 'Pod', typed);
  t.is(findResource(builtinResources, { resource: 'deployments.apps' })?.kind, 'Deployment');
  t.is(findResource(builtinResources, { resource: 'deploy.batch' }), undefined);
  t.is(findResource(builtinResources, { group: 'apps', kind: 'Pod' }), undefined);
  t.deepEqual(parseApiVersion('coordination.k8s.io/v1'), { group: 'coordination.k8s.io', version: 'v1' });
  t.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
});

test('prepareForCreate fills apiVersion, kind and the request namespace, and refuses mismatches', (t) => {
  const def = findResource(builtinResources, { kind: 'Pod' })!;
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = pod();
  const out = prepareForCreate<Pod>(def, { ...rest, metadata: { name: 'web' } }, { namespace: 'team-a' });
  t.is(out.apiVersion, 'v1');
  t.is(out.kind, 'Pod');
  t.is(out.metadata.namespace, 'team-a');
  t.throws(() => prepareForCreate(def, pod(), { namespace: 'team-a' }), { instanceOf: ApiError, message: /does not match the namespace of the request/ });
  t.throws(() => prepareForCreate(def, { ...pod(), kind: 'Service' }), { message: /kind "Service" does not match the resource's \(Pod\)/ });
  t.throws(() => prepareForCreate(def, [pod()]), { message: /not an array/ });
});

test('resolveDefinition explains missing or unknown types', (t) => {
  t.throws(() => resolveDefinition(builtinResources, { kind: 'Pod' }), { message: "the object has no 'apiVersion'" });
  t.throws(() => resolveDefinition(builtinResources, { apiVersion: 'v1' }), { message: "the object has no 'kind'" });
  const error = t.throws(() => resolveDefinition(builtinResources, { apiVersion: 'v1', kind: 'Ingress' }), { instanceOf: ApiError });
  t.is(error?.code, 400);
  t.regex(error?.message ?? '', /^no kind "Ingress" is registered for version "v1"; known kinds: v1\/Namespace/);
});
