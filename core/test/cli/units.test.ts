// The CLI's pure pieces: argument parsing, alignment, durations, apply's patch, rollout status.
import test from 'ava';
import { ApiError } from '../../src/api/errors.js';
import type { ApiObject, Deployment, ReplicaSet } from '../../src/api/types.js';
import { fromResourceList, match } from '../../src/client/discovery.js';
import { parseDuration } from '../../src/cli/duration.js';
import { applyPatch, LAST_APPLIED, withLastApplied } from '../../src/cli/kube/apply.js';
import { CliError, formatApiError, formatError } from '../../src/cli/kube/connect.js';
import { splitKeyValueArgs } from '../../src/cli/kube/key-values.js';
import { deploymentStatus, replicaSetForRevision } from '../../src/cli/kube/rollout.js';
import { parseTargets } from '../../src/cli/kube/targets.js';
import { goValue, parseOutputFormat } from '../../src/cli/output/printers.js';
import { alignTabs } from '../../src/cli/output/tabwriter.js';

test('resource arguments: types, comma lists, names, type/name', (t) => {
  t.deepEqual(parseTargets(['po']), [{ type: 'po', names: [] }]);
  t.deepEqual(parseTargets(['po,svc', 'a']), [{ type: 'po', names: ['a'] }, { type: 'svc', names: ['a'] }]);
  t.deepEqual(parseTargets(['po/a', 'svc/b', 'po/c']), [{ type: 'po', names: ['a', 'c'] }, { type: 'svc', names: ['b'] }]);
  t.throws(() => parseTargets(['po', 'po/a']), { instanceOf: CliError, message: /no need to specify a resource type/ });
  t.throws(() => parseTargets(['po/']), { message: /single resource and name/ });
});

test('discovery matching: plural, singular, short name, kind, qualified by group and version', (t) => {
  const resources = [
    ...fromResourceList('', 'v1', [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'] },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod' },
      { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', shortNames: ['ev'] },
    ]),
    ...fromResourceList('apps', 'v1', [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', shortNames: ['deploy'] }]),
    ...fromResourceList('events.k8s.io', 'v1', [{ name: 'events', singularName: 'event', namespaced: true, kind: 'Event', shortNames: ['ev'] }]),
  ];
  t.deepEqual(resources[0]!.subresources, ['status']);
  t.is(match(resources, 'PO')?.name, 'pods');
  t.is(match(resources, 'Deployment')?.group, 'apps');
  t.is(match(resources, 'events')?.group, '', 'the core group comes first');
  t.is(match(resources, 'events.events.k8s.io')?.group, 'events.k8s.io');
  t.is(match(resources, 'ev.events.k8s.io')?.group, 'events.k8s.io');
  t.is(match(resources, 'deployments.v1.apps')?.name, 'deployments');
  t.is(match(resources, 'deployments.batch'), undefined);
});

test('tabwriter alignment: blocks of consecutive lines align, the last cell is not padded', (t) => {
  t.is(alignTabs('Name:\tweb\nNamespace:\tdefault\nContainers:\n  c:\n    Image:\tx\n    Port:\t80'), 'Name:       web\nNamespace:  default\nContainers:\n  c:\n    Image:  x\n    Port:   80');
  t.is(alignTabs('a\tb\tc\naaaa\tb\tc'), 'a     b  c\naaaa  b  c');
});

test('durations as kubectl flags take them', (t) => {
  t.is(parseDuration('5', 'x'), 5000);
  t.is(parseDuration('1m30s', 'x'), 90_000);
  t.is(parseDuration('500ms', 'x'), 500);
  t.is(parseDuration('0s', 'x'), 0);
  t.throws(() => parseDuration('soon', 'timeout'), { message: /invalid duration "soon" for --timeout/ });
});

test('apply\'s annotation excludes itself; the patch removes what the last apply had and the manifest dropped', (t) => {
  const manifest: ApiObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { x: '1', y: '2' } };
  const applied = withLastApplied(manifest);
  const recorded = JSON.parse(applied.metadata.annotations![LAST_APPLIED]!);
  t.deepEqual(recorded, { ...manifest, metadata: { ...manifest.metadata, annotations: {} } }, 'an empty annotations map, as kubectl leaves');
  t.is(applied.metadata.annotations![LAST_APPLIED]!.slice(-1), '\n');
  // Live: what the first apply stored, plus a label from someone else and server fields.
  const live: ApiObject = { ...structuredClone(applied), metadata: { ...structuredClone(applied.metadata), labels: { a: '1', other: 'keep' }, uid: 'u', resourceVersion: '5' } };
  t.deepEqual(applyPatch('ConfigMap', live, withLastApplied(manifest)), {}, 'nothing to do: unchanged');
  const next = withLastApplied({ ...manifest, data: { x: '1' } });
  const patch = applyPatch('ConfigMap', live, next);
  t.deepEqual((patch as { data: unknown }).data, { y: null });
  t.is(typeof (patch as { metadata: { annotations: Record<string, string> } }).metadata.annotations[LAST_APPLIED], 'string');
  t.false(JSON.stringify(patch).includes('other'), "another writer's label is not touched");
});

test('label arguments: k=v sets, k- removes, bad keys and contradictions are refused', (t) => {
  t.deepEqual(splitKeyValueArgs(['pods', 'p', 'a=1', 'b-'], 'labels'), { resources: ['pods', 'p'], changes: { set: { a: '1' }, remove: ['b'] } });
  t.deepEqual(splitKeyValueArgs(['deploy/web', 'note=hello world'], 'annotations').changes.set, { note: 'hello world' });
  t.throws(() => splitKeyValueArgs(['po', 'p', 'a=x y'], 'labels'), { message: /invalid label "a=x y"/ });
  t.throws(() => splitKeyValueArgs(['po', 'p', 'a=1', 'a-'], 'labels'), { message: /both modify and remove/ });
  t.throws(() => splitKeyValueArgs(['po', 'p'], 'labels'), { message: /at least one label update/ });
});

function deployment(generation: number, status: Deployment['status'], replicas = 3): Deployment {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec: { replicas, selector: {}, template: { spec: { containers: [] } } }, status };
}

test('rollout status messages follow kubectl\'s reading of a Deployment', (t) => {
  t.deepEqual(deploymentStatus(deployment(2, { observedGeneration: 1 })), { message: 'Waiting for deployment spec update to be observed...', done: false });
  t.is(deploymentStatus(deployment(1, { observedGeneration: 1, updatedReplicas: 2 })).message, 'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...');
  t.is(deploymentStatus(deployment(1, { observedGeneration: 1, updatedReplicas: 3, replicas: 5 })).message, 'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...');
  t.is(deploymentStatus(deployment(1, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...');
  t.deepEqual(deploymentStatus(deployment(1, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 })), { message: 'deployment "web" successfully rolled out', done: true });
  const stuck = deployment(1, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
  t.throws(() => deploymentStatus(stuck), { message: 'deployment "web" exceeded its progress deadline' });
});

test('undo picks the revision before the latest, or the one asked for', (t) => {
  const rs = (revision: number): ReplicaSet => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `r${revision}`, annotations: { 'deployment.kubernetes.io/revision': String(revision) } }, spec: { selector: {} } });
  const d = deployment(1, {});
  t.is(replicaSetForRevision([rs(1), rs(4), rs(2)], d, 0).metadata.name, 'r2');
  t.is(replicaSetForRevision([rs(1), rs(4), rs(2)], d, 1).metadata.name, 'r1');
  t.throws(() => replicaSetForRevision([rs(4)], d, 0), { message: 'no rollout history found for deployment "web"' });
  t.throws(() => replicaSetForRevision([rs(4)], d, 3), { message: 'unable to find specified revision 3 in history' });
});

test('output formats: the allowed ones parse, others are named in the error; Go-style cell values', (t) => {
  t.deepEqual(parseOutputFormat(undefined), { type: 'table', wide: false });
  t.deepEqual(parseOutputFormat('wide'), { type: 'table', wide: true });
  t.is(parseOutputFormat('jsonpath={.kind}').type, 'jsonpath');
  t.throws(() => parseOutputFormat('jsonpath='), { message: /no template given/ });
  t.throws(() => parseOutputFormat('custom-columns=NAME'), { message: /expected <header>:<json-path-expr>/ });
  t.throws(() => parseOutputFormat('yaml', ['json']), { message: /allowed formats are: json/ });
  t.is(goValue({ b: 1, a: [1, 'x'] }), 'map[a:[1 x] b:1]');
});

test('errors are worded as kubectl words them', (t) => {
  t.is(formatApiError(ApiError.notFound('pods', 'x')), 'Error from server (NotFound): pods "x" not found');
  t.is(formatApiError(ApiError.alreadyExists('pods', 'x'), 'error when creating "a.yaml"'), 'Error from server (AlreadyExists): error when creating "a.yaml": pods "x" already exists');
  const invalid = ApiError.invalid({ kind: 'Deployment', group: 'apps' }, 'web', [
    { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0', reason: 'FieldValueInvalid' },
    { field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' },
  ]);
  t.is(formatApiError(invalid), 'The Deployment.apps "web" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.selector: Required value');
  t.is(formatError(new CliError('bad')), 'error: bad');
});
