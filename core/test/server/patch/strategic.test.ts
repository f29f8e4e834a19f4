import test from 'ava';
import {
  applyPatch,
  mergeKeysFor,
  PatchError,
  STRATEGIC_MERGE_PATCH_CONTENT_TYPE as SMP,
  UnsupportedPatchTypeError,
  type JsonObject,
} from '../../../src/server/patch/index.js';

const podSpec = (): JsonObject => ({
  containers: [
    {
      name: 'app',
      image: 'nginx:1.25',
      args: ['--x', '--y'],
      ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
      env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    },
    { name: 'sidecar', image: 'busybox', command: ['sleep', 'infinity'] },
  ],
  volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
  tolerations: [{ key: 'a', operator: 'Exists' }],
});

const pod = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b'] },
  spec: podSpec(),
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] },
});

/** Shorthand: strategic-merge `patch` into `obj` and return the result's value at `path`. */
function at(obj: JsonObject, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], obj);
}
const smp = (obj: JsonObject, patch: unknown): JsonObject => applyPatch(String(obj['kind']), obj, patch, SMP);
const containers = (obj: JsonObject, path = 'spec.containers'): JsonObject[] => at(obj, path) as JsonObject[];

test('containers merge by name: patching one leaves the other alone', (t) => {
  const out = smp(pod(), { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } });
  const [app, sidecar] = containers(out);
  t.is(app!['image'], 'nginx:1.26');
  t.deepEqual(app!['env'], [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  t.deepEqual(sidecar, { name: 'sidecar', image: 'busybox', command: ['sleep', 'infinity'] });
});

test('env merges by name, ports by containerPort, volumeMounts by mountPath', (t) => {
  const out = smp(pod(), {
    spec: {
      containers: [
        {
          name: 'app',
          env: [{ name: 'B', value: '3' }, { name: 'C', value: 'c' }],
          ports: [{ containerPort: 80, name: 'http' }],
          volumeMounts: [{ mountPath: '/data', readOnly: true }],
        },
      ],
    },
  });
  const app = containers(out)[0]!;
  t.deepEqual(app['env'], [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: 'c' }]);
  t.deepEqual(app['ports'], [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443, protocol: 'TCP' }]);
  t.deepEqual(app['volumeMounts'], [{ name: 'data', mountPath: '/data', readOnly: true }]);
  t.deepEqual(app['args'], ['--x', '--y']);
});

test('a new element goes before server-only ones (as on Kubernetes) unless $setElementOrder places it', (t) => {
  const added = smp(pod(), { spec: { containers: [{ name: 'log', image: 'fluentd' }] } });
  t.deepEqual(containers(added).map((c) => c['name']), ['log', 'app', 'sidecar']);
  const ordered = smp(pod(), {
    spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }, { name: 'log' }],
      containers: [{ name: 'log', image: 'fluentd' }],
    },
  });
  t.deepEqual(containers(ordered).map((c) => c['name']), ['app', 'sidecar', 'log']);
  const swapped = smp(pod(), { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] } });
  t.deepEqual(containers(swapped).map((c) => c['name']), ['sidecar', 'app']);
});

test('$setElementOrder must agree with the order of the patch list', (t) => {
  const err = t.throws(
    () =>
      smp(pod(), {
        spec: {
          '$setElementOrder/containers': [{ name: 'app' }, { name: 'log' }],
          containers: [{ name: 'log' }, { name: 'app' }],
        },
      }),
    { instanceOf: PatchError },
  );
  t.is(err.status, 400);
  t.is(err.field, 'spec.containers');
});

test('$patch: delete in a list removes the element with that key', (t) => {
  const out = smp(pod(), { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
  t.deepEqual(containers(out).map((c) => c['name']), ['app']);
  const env = smp(pod(), { spec: { containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] } });
  t.deepEqual(containers(env)[0]!['env'], [{ name: 'B', value: '2' }]);
});

test('$patch: replace in a list replaces the whole list', (t) => {
  const out = smp(pod(), { spec: { containers: [{ name: 'app', env: [{ $patch: 'replace' }, { name: 'Z', value: 'z' }] }] } });
  t.deepEqual(containers(out)[0]!['env'], [{ name: 'Z', value: 'z' }]);
  const emptied = smp(pod(), { spec: { volumes: [{ $patch: 'replace' }] } });
  t.deepEqual(at(emptied, 'spec.volumes'), []);
});

test('$patch on a map: replace swaps it, delete empties it, merge is the default', (t) => {
  t.deepEqual(at(smp(pod(), { metadata: { labels: { $patch: 'replace', env: 'prod' } } }), 'metadata.labels'), { env: 'prod' });
  t.deepEqual(at(smp(pod(), { metadata: { labels: { $patch: 'delete' } } }), 'metadata.labels'), {});
  t.deepEqual(at(smp(pod(), { metadata: { labels: { $patch: 'merge', env: 'prod' } } }), 'metadata.labels'), {
    app: 'web',
    tier: 'front',
    env: 'prod',
  });
  t.is(at(smp(pod(), { metadata: { annotations: { $patch: 'delete' } } }), 'metadata.annotations'), undefined);
});

test('lists of primitives with the merge strategy are sets; $deleteFromPrimitiveList removes', (t) => {
  t.deepEqual(at(smp(pod(), { metadata: { finalizers: ['b', 'c'] } }), 'metadata.finalizers'), ['a', 'b', 'c']);
  t.deepEqual(at(smp(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'zzz'] } }), 'metadata.finalizers'), ['b']);
  const both = smp(pod(), {
    metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b', 'c'], finalizers: ['c'] },
  });
  t.deepEqual(at(both, 'metadata.finalizers'), ['b', 'c']);
});

test('null deletes a field; lists without a strategy are replaced whole', (t) => {
  const out = smp(pod(), {
    metadata: { labels: { tier: null } },
    spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'app', args: ['--z'] }] },
  });
  t.deepEqual(at(out, 'metadata.labels'), { app: 'web' });
  t.deepEqual(at(out, 'spec.tolerations'), [{ key: 'b', operator: 'Exists' }]);
  t.deepEqual(containers(out)[0]!['args'], ['--z']);
  t.false('tolerations' in (smp(pod(), { spec: { tolerations: null } })['spec'] as JsonObject));
});

test('volumes merge by name and honour $retainKeys', (t) => {
  const merged = smp(pod(), { spec: { volumes: [{ name: 'data', hostPath: { path: '/srv' } }] } });
  t.deepEqual((at(merged, 'spec.volumes') as JsonObject[])[0], { name: 'data', emptyDir: {}, hostPath: { path: '/srv' } });
  const retained = smp(pod(), {
    spec: { volumes: [{ name: 'data', hostPath: { path: '/srv' }, $retainKeys: ['hostPath', 'name'] }] },
  });
  t.deepEqual(at(retained, 'spec.volumes'), [{ name: 'data', hostPath: { path: '/srv' } }, { name: 'cfg', configMap: { name: 'cfg' } }]);
  const bad = t.throws(() => smp(pod(), { spec: { volumes: [{ name: 'data', hostPath: { path: '/' }, $retainKeys: ['name'] }] } }), {
    instanceOf: PatchError,
  });
  t.regex(bad.message, /"spec\.volumes\[name=data\]".*"hostPath".*\$retainKeys/);
});

test('status conditions merge by type', (t) => {
  const out = smp(pod(), { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Probe' }] } });
  t.deepEqual(at(out, 'status.conditions'), [
    { type: 'Ready', status: 'False', reason: 'Probe' },
    { type: 'PodScheduled', status: 'True' },
  ]);
});

const template = (): JsonObject => ({ metadata: { labels: { app: 'web' } }, spec: podSpec() });
const nested: [string, JsonObject, string][] = [
  ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 2, template: template() } }, 'spec.template.spec'],
  ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template: template() } }, 'spec.template.spec'],
  ['ReplicationController', { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: template() } }, 'spec.template.spec'],
  ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: template() } }, 'spec.template.spec'],
  [
    'CronJob',
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template() } } } },
    'spec.jobTemplate.spec.template.spec',
  ],
];

for (const [kind, obj, specPath] of nested) {
  test(`${kind}: containers merge by name at ${specPath}.containers`, (t) => {
    const patch = specPath
      .split('.')
      .reverse()
      .reduce<unknown>((inner, key) => ({ [key]: inner }), {
        containers: [{ name: 'app', image: 'nginx:2', env: [{ name: 'B', $patch: 'delete' }] }],
        volumes: [{ name: 'cfg', $patch: 'delete' }],
      });
    const out = smp(obj, patch);
    const [app, sidecar] = containers(out, `${specPath}.containers`);
    t.is(app!['image'], 'nginx:2');
    t.deepEqual(app!['env'], [{ name: 'A', value: '1' }]);
    t.is(sidecar!['name'], 'sidecar');
    t.deepEqual(at(out, `${specPath}.volumes`), [{ name: 'data', emptyDir: {} }]);
    t.is(mergeKeysFor(kind)[`${specPath}.containers`], 'name');
    t.is(mergeKeysFor(kind)[`${specPath}.containers.ports`], 'containerPort');
  });
}

test('a list the schema does not name is replaced, even if it is called containers', (t) => {
  const deployment = { kind: 'Deployment', metadata: { name: 'd' }, spec: { containers: [{ name: 'a' }, { name: 'b' }], template: template() } };
  const out = smp(deployment, { spec: { containers: [{ name: 'b', image: 'x' }] } });
  t.deepEqual(at(out, 'spec.containers'), [{ name: 'b', image: 'x' }]);
  t.false('spec.containers' in mergeKeysFor('Deployment'));
});

test('Service ports merge by port; Endpoints subsets are atomic', (t) => {
  const svc = {
    kind: 'Service',
    metadata: { name: 's' },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 80 }, { name: 'https', port: 443, targetPort: 443 }] },
  };
  t.deepEqual(at(smp(svc, { spec: { ports: [{ port: 80, targetPort: 8080 }] } }), 'spec.ports'), [
    { name: 'http', port: 80, targetPort: 8080 },
    { name: 'https', port: 443, targetPort: 443 },
  ]);
  const ep = { kind: 'Endpoints', metadata: { name: 's' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] };
  t.deepEqual(smp(ep, { subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] })['subsets'], [{ addresses: [{ ip: '10.0.0.2' }] }]);
});

test('Node: conditions and addresses merge by type, taints are atomic (as in Kubernetes)', (t) => {
  const node = {
    kind: 'Node',
    metadata: { name: 'n1' },
    spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }] },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n1' }], conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const out = smp(node, {
    spec: { taints: [{ key: 'a', effect: 'NoExecute' }] },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.9' }], conditions: [{ type: 'MemoryPressure', status: 'False' }] },
  });
  t.deepEqual(at(out, 'spec.taints'), [{ key: 'a', effect: 'NoExecute' }]);
  t.deepEqual(at(out, 'status.addresses'), [{ type: 'InternalIP', address: '10.0.0.9' }, { type: 'Hostname', address: 'n1' }]);
  t.deepEqual((at(out, 'status.conditions') as JsonObject[]).map((c) => c['type']), ['MemoryPressure', 'Ready']);
});

test('ownerReferences merge by uid on any kind', (t) => {
  const cm = { kind: 'ConfigMap', metadata: { name: 'c', ownerReferences: [{ uid: 'u1', kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' }] }, data: { a: '1' } };
  const out = smp(cm, { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] }, data: { b: '2' } });
  t.deepEqual(at(out, 'metadata.ownerReferences'), [{ uid: 'u1', kind: 'Deployment', name: 'd', apiVersion: 'apps/v1', controller: true }]);
  t.deepEqual(out['data'], { a: '1', b: '2' });
});

test('errors say what and where', (t) => {
  const noKey = t.throws(() => smp(pod(), { spec: { containers: [{ image: 'x' }] } }), { instanceOf: PatchError });
  t.is(noKey.status, 400);
  t.is(noKey.field, 'spec.containers[0]');
  t.regex(noKey.message, /no merge key "name"/);
  const deleteNoKey = t.throws(() => smp(pod(), { spec: { containers: [{ name: 'app', env: [{ $patch: 'delete' }] }] } }), { instanceOf: PatchError });
  t.is(deleteNoKey.field, 'spec.containers[name=app].env[0]');
  const unknown = t.throws(() => smp(pod(), { metadata: { labels: { $patch: 'explode' } } }), { instanceOf: PatchError });
  t.regex(unknown.message, /"metadata\.labels": unknown \$patch directive "explode"/);
  const mixed = t.throws(() => smp(pod(), { spec: { containers: ['app'] } }), { instanceOf: PatchError });
  t.is(mixed.status, 422);
  t.is(t.throws(() => smp(pod(), '[1]'), { instanceOf: PatchError }).status, 400);
  t.is(t.throws(() => smp(pod(), '{"spec": '), { instanceOf: PatchError }).status, 400);
});

test('kinds without a schema and unknown content types are 415s', (t) => {
  const widget = t.throws(() => applyPatch('Widget', { kind: 'Widget' }, {}, SMP), { instanceOf: UnsupportedPatchTypeError });
  t.is(widget.status, 415);
  t.regex(widget.message, /not supported for kind "Widget"/);
  for (const type of ['application/apply-patch+yaml', 'application/json', '']) {
    t.is(t.throws(() => applyPatch('Pod', pod(), {}, type), { instanceOf: UnsupportedPatchTypeError }).status, 415);
  }
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

test('neither the object nor the patch is modified', (t) => {
  const original = deepFreeze(pod());
  const patch = deepFreeze({
    metadata: { labels: { tier: null }, '$deleteFromPrimitiveList/finalizers': ['a'] },
    spec: {
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
      containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }, { name: 'N', value: 'n' }] }],
      volumes: [{ name: 'data', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }],
    },
  });
  const out = smp(original, patch);
  t.deepEqual(original, pod());
  t.deepEqual(containers(out).map((c) => c['name']), ['sidecar', 'app']);
  (containers(out)[1]!['env'] as JsonObject[]).push({ name: 'later' });
  t.is(((patch.spec.containers[0]!.env) as unknown[]).length, 2);
});
