import test from 'ava';
import {
  applyMergePatch,
  applyPatch,
  PatchError,
  STRATEGIC_MERGE_PATCH_CONTENT_TYPE as SMP,
  threeWayMergePatch,
  twoWayMergePatch,
  type JsonObject,
} from '../../../src/server/patch/index.js';

const manifest = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', team: 'a' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1',
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            ports: [{ containerPort: 80 }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    },
  },
});

/** The live object: the last manifest, plus defaults, status and another client's changes. */
const live = (): JsonObject => {
  const obj = manifest() as any;
  obj.metadata.uid = 'u-1';
  obj.metadata.labels.owner = 'ops';
  obj.spec.strategy.rollingUpdate.maxUnavailable = '25%';
  obj.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  obj.spec.template.spec.containers[0].env.push({ name: 'C', value: 'injected' });
  obj.status = { replicas: 2, readyReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] };
  return obj;
};

/** This time's manifest: one label, one env var and the sidecar gone; new image; Recreate. */
const desired = (): JsonObject => {
  const obj = manifest() as any;
  delete obj.metadata.labels.team;
  obj.spec.strategy = { type: 'Recreate' };
  obj.spec.template.spec.containers = [{ name: 'app', image: 'nginx:2', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] }];
  return obj;
};

test('apply deletes what was dropped from the manifest and keeps what others set', (t) => {
  const patch = threeWayMergePatch('Deployment', manifest(), desired(), live());
  const out = applyPatch('Deployment', live(), patch, SMP) as any;

  t.deepEqual(out.metadata.labels, { app: 'web', owner: 'ops' });
  t.is(out.metadata.uid, 'u-1');
  t.deepEqual(out.status, live()['status']);
  t.is(out.spec.replicas, 2);
  t.deepEqual(out.spec.strategy, { type: 'Recreate' });
  t.deepEqual(out.spec.template.spec.containers, [
    {
      name: 'app',
      image: 'nginx:2',
      env: [{ name: 'A', value: '1' }, { name: 'C', value: 'injected' }],
      ports: [{ containerPort: 80 }],
      imagePullPolicy: 'IfNotPresent',
    },
  ]);
});

test('the three-way patch says exactly that, in strategic merge terms', (t) => {
  const patch = threeWayMergePatch('Deployment', manifest(), desired(), live()) as any;
  t.deepEqual(patch.metadata, { labels: { team: null } });
  t.false('status' in patch);
  t.deepEqual(patch.spec.strategy, { rollingUpdate: null, type: 'Recreate', $retainKeys: ['type'] });
  const containers = patch.spec.template.spec.containers;
  t.deepEqual(containers.at(-1), { name: 'sidecar', $patch: 'delete' });
  t.is(containers[0].image, 'nginx:2');
  t.deepEqual(containers[0].env, [{ name: 'B', $patch: 'delete' }]);
  t.deepEqual(patch.spec.template.spec['$setElementOrder/containers'], [{ name: 'app' }]);
});

test('the first apply (no last-applied configuration) deletes nothing', (t) => {
  const patch = threeWayMergePatch('Deployment', undefined, desired(), live());
  t.false(JSON.stringify(patch).includes('null'));
  t.false(JSON.stringify(patch).includes('"delete"'));
  const out = applyPatch('Deployment', live(), patch, SMP) as any;
  t.deepEqual(out.metadata.labels, { app: 'web', team: 'a', owner: 'ops' });
  t.is(out.spec.template.spec.containers.length, 2);
  t.is(out.spec.template.spec.containers[0].image, 'nginx:2');
});

test('an unchanged manifest gives a patch that changes nothing', (t) => {
  const current = live() as any;
  current.spec.template.spec.containers[0].env.pop();
  t.deepEqual(threeWayMergePatch('Deployment', manifest(), manifest(), current), {});
  // An element only the live list has makes the orders differ, so (as kubectl does) the patch
  // carries $setElementOrder lists, and nothing else.
  const patch = threeWayMergePatch('Deployment', manifest(), manifest(), live());
  t.deepEqual(applyPatch('Deployment', live(), patch, SMP), live());
  t.notRegex(JSON.stringify(patch), /image|value|null|delete/);
});

test('a value someone else changed is set back to the manifest', (t) => {
  const current = live() as any;
  current.spec.replicas = 5;
  current.spec.template.spec.containers[0].image = 'nginx:hotfix';
  const patch = threeWayMergePatch('Deployment', manifest(), manifest(), current) as any;
  t.is(patch.spec.replicas, 2);
  t.like(patch.spec.template.spec.containers, [{ name: 'app', image: 'nginx:1' }]);
  t.is(patch.spec.template.spec.containers.length, 1);
});

test('primitive merge lists: a dropped finalizer becomes $deleteFromPrimitiveList', (t) => {
  const cm = (finalizers: string[]): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers }, data: { a: '1' } });
  const patch = threeWayMergePatch('ConfigMap', cm(['x', 'y']), cm(['x']), cm(['x', 'y', 'z'])) as any;
  t.deepEqual(patch.metadata['$deleteFromPrimitiveList/finalizers'], ['y']);
  const out = applyPatch('ConfigMap', cm(['x', 'y', 'z']), patch, SMP) as any;
  t.deepEqual(out.metadata.finalizers, ['x', 'z']);
});

test('a volume switching source carries $retainKeys so the old source is cleared', (t) => {
  const pod = (volume: JsonObject): JsonObject => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], volumes: [volume] } });
  const before = pod({ name: 'data', emptyDir: {} });
  const after = pod({ name: 'data', hostPath: { path: '/srv' } });
  const patch = threeWayMergePatch('Pod', before, after, before) as any;
  t.deepEqual(patch.spec.volumes, [{ name: 'data', emptyDir: null, hostPath: { path: '/srv' }, $retainKeys: ['hostPath', 'name'] }]);
  t.deepEqual(applyPatch('Pod', before, patch, SMP), after);
});

test('for a kind without a schema the patch is a plain JSON merge patch', (t) => {
  const widget = (sizes: number[], extra?: JsonObject): JsonObject => ({ kind: 'Widget', metadata: { name: 'w' }, spec: { sizes, ...extra } });
  const patch = threeWayMergePatch('Widget', widget([1, 2], { color: 'red' }), widget([1]), widget([1, 2], { color: 'red', owner: 'x' }));
  t.deepEqual(patch, { spec: { sizes: [1], color: null } });
  t.deepEqual(applyMergePatch(widget([1, 2], { color: 'red', owner: 'x' }), patch), widget([1], { owner: 'x' }));
});

test('inputs are not modified, and a list element without its merge key is an error', (t) => {
  const [a, b, c] = [manifest(), desired(), live()];
  const copies = structuredClone([a, b, c]);
  threeWayMergePatch('Deployment', a, b, c);
  t.deepEqual([a, b, c], copies);
  const bad = desired() as any;
  bad.spec.template.spec.containers.push({ image: 'nameless' });
  const err = t.throws(() => threeWayMergePatch('Deployment', manifest(), bad, live()), { instanceOf: PatchError });
  t.regex(err.message, /"containers" without its merge key "name"/);
  t.is(t.throws(() => threeWayMergePatch('Pod', {}, [] as unknown as object, {}), { instanceOf: PatchError }).status, 400);
});

test('twoWayMergePatch gives the patch from one object to another', (t) => {
  const patch = twoWayMergePatch('Deployment', manifest(), desired());
  t.deepEqual(applyPatch('Deployment', manifest(), patch, SMP), desired());
});
