// Templates that differ only by empty values (`resources: {}`, `env: []`, nulls) are one template,
// as kubectl expects when it sends them back (`rollout undo`, `set image`).
import test from 'ava';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '@corral/core';
import { DEPLOYMENTS, podTemplateHash, REPLICA_SETS, sameTemplateIgnoringHash, splitNewAndOld } from '../src/index.js';
import { createNamespace, eventually, template } from './helpers.js';

/** `plain` as kubectl may spell it: empty maps, lists and nulls where nothing was set. */
function withEmpties(plain: PodTemplateSpec): PodTemplateSpec {
  // Loosely typed on purpose: the nulls are not in the API types.
  const spelled = structuredClone(plain) as unknown as { metadata: Record<string, unknown>; spec: Record<string, unknown> & { containers: object[] } };
  Object.assign(spelled.metadata, { annotations: {}, creationTimestamp: null });
  Object.assign(spelled.spec, { volumes: [], securityContext: {} });
  spelled.spec.containers = spelled.spec.containers.map((c) => ({ ...c, resources: {}, env: [], securityContext: { capabilities: {} } }));
  return spelled as unknown as PodTemplateSpec;
}

test('empty maps, lists and nulls count as absent: same template, same hash', (t) => {
  const plain = template({ app: 'web' }, 'nginx:1.7');
  const spelled = withEmpties(plain);
  t.true(sameTemplateIgnoringHash(plain, spelled));
  t.is(podTemplateHash(spelled), podTemplateHash(plain));
  // Values that are set still count, empty strings and zeros included.
  t.false(sameTemplateIgnoringHash(plain, template({ app: 'web' }, 'nginx:1.8')));
  const limited = structuredClone(plain);
  limited.spec.containers[0]!.resources = { limits: { cpu: '1' } };
  t.false(sameTemplateIgnoringHash(plain, limited));
  t.not(podTemplateHash(limited), podTemplateHash(plain));
  const withArg = structuredClone(plain);
  withArg.spec.containers[0]!.args = [''];
  t.false(sameTemplateIgnoringHash(plain, withArg));
});

test('the ReplicaSet of a template is found again when the Deployment spells it with empties', (t) => {
  const plain = template({ app: 'web' }, 'nginx:1.7');
  const rsTemplate = structuredClone(plain);
  rsTemplate.metadata!.labels!['pod-template-hash'] = podTemplateHash(plain);
  const rs = { metadata: { name: 'web-1', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { selector: {}, template: rsTemplate } } as ReplicaSet;
  const d = { metadata: { name: 'web' }, spec: { selector: {}, template: withEmpties(plain) } } as Deployment;
  t.is(splitNewAndOld(d, [rs]).newRS, rs);
});

let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-workloads'], hollow: 2 });
});

test.after.always(async () => {
  await cp?.stop();
});

async function replicaSets(ns: string): Promise<ReplicaSet[]> {
  return (await cp.client.list<ReplicaSet>(REPLICA_SETS, { namespace: ns })).items;
}

/** The ReplicaSets once every one is where the Deployment wants it: image -> [replicas, revision]. */
async function settled(ns: string, count: number): Promise<Record<string, [number, string]>> {
  return eventually(`${count} ReplicaSets settled`, async () => {
    const d = await cp.client.get<Deployment>(DEPLOYMENTS, 'web', { namespace: ns });
    const sets = await replicaSets(ns);
    if (d.status?.observedGeneration !== d.metadata.generation || d.status?.updatedReplicas !== 2 || d.status?.replicas !== 2) return undefined;
    if (sets.length !== count) return undefined;
    const out: Record<string, [number, string]> = {};
    for (const rs of sets) out[rs.spec.template!.spec.containers[0]!.image!] = [rs.spec.replicas ?? 0, rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? ''];
    return out;
  });
}

test('rollout undo as kubectl sends it (the old template with empty values) scales the old ReplicaSet back up', async (t) => {
  const ns = await createNamespace(cp.client, 'semantic-undo');
  const v1 = template({ app: 'web' }, 'nginx:1.7');
  await cp.client.create(
    DEPLOYMENTS,
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: v1 } },
    { namespace: ns },
  );
  await settled(ns, 1);
  await cp.client.patch(DEPLOYMENTS, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.8' }] } } } }, 'strategic', { namespace: ns });
  t.deepEqual(await settled(ns, 2), { 'nginx:1.7': [0, '1'], 'nginx:1.8': [2, '2'] });

  // kubectl's undo: the old ReplicaSet's template, hash label dropped, with its empty values.
  await cp.client.patch(DEPLOYMENTS, 'web', [{ op: 'replace', path: '/spec/template', value: withEmpties(v1) }], 'json', { namespace: ns });
  t.deepEqual(await settled(ns, 2), { 'nginx:1.7': [2, '3'], 'nginx:1.8': [0, '2'] }, 'no third ReplicaSet');
});
