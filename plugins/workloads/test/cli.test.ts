// `corral rollout undo` and `corral rolling-update`, run as a user runs them (the binary, as a
// child process) against a control plane with this plugin and a hollow agent.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import type { Deployment, Pod, ReplicaSet, ReplicationController } from '@corral/core';
import { DEPLOYMENTS, PODS, REPLICA_SETS, REPLICATION_CONTROLLERS } from '../src/index.js';
import { activePods, createNamespace, eventually, imageOf, isReady, ownedBy, PodWatcher, template } from './helpers.js';

const CORRAL = fileURLToPath(new URL('../../../../core/bin/corral.js', import.meta.url));

let cp: TestControlPlane;
let home: string;

test.before(async () => {
  home = await mkdtemp(join(tmpdir(), 'corral-workloads-cli-'));
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-workloads'], hollow: 3 });
});

test.after.always(async () => {
  await cp?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

function corral(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CORRAL, ...args, '--server', cp.url], { env: { HOME: home, PATH: process.env.PATH ?? '' } }, (error, out, err) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

async function rolledOut(ns: string, name: string): Promise<Deployment> {
  return eventually(`deployment ${name} rolled out`, async () => {
    const d = await cp.client.get<Deployment>(DEPLOYMENTS, name, { namespace: ns });
    const s = d.status;
    const done = s?.observedGeneration === d.metadata.generation && s?.updatedReplicas === d.spec.replicas && s?.replicas === d.spec.replicas && s?.availableReplicas === d.spec.replicas;
    return done ? d : undefined;
  });
}

test('rollout undo goes back to the previous template, and --to-revision to any', async (t) => {
  const ns = await createNamespace(cp.client, 'cli-undo');
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: { 'kubernetes.io/change-cause': 'first' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, 'nginx:1.7') },
  };
  await cp.client.create(DEPLOYMENTS, d, { namespace: ns });
  await rolledOut(ns, 'web');
  await cp.client.patch(DEPLOYMENTS, 'web', { metadata: { annotations: { 'kubernetes.io/change-cause': 'to 1.9' } }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.9' }] } } } }, 'strategic', { namespace: ns });
  await rolledOut(ns, 'web');

  const undo = await corral(['rollout', 'undo', 'deployment/web', '-n', ns]);
  t.is(undo.code, 0, undo.err);
  t.regex(undo.out, /rolled back/);
  const back = await rolledOut(ns, 'web');
  t.is(back.spec.template.spec.containers[0]!.image, 'nginx:1.7');
  t.is(back.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  t.is(back.metadata.annotations?.['kubernetes.io/change-cause'], 'first');
  // The first ReplicaSet came back as revision 3: no third ReplicaSet.
  const sets = (await cp.client.list<ReplicaSet>(REPLICA_SETS, { namespace: ns })).items;
  t.is(sets.length, 2);
  t.deepEqual(sets.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort(), ['2', '3']);
  const pods = await eventually('1.7 pods only', async () => {
    const now = await activePods(cp.client, ns);
    return now.length === 2 && now.every((p) => imageOf(p) === 'nginx:1.7') ? now : undefined;
  });
  t.is(pods.length, 2);

  const history = await corral(['rollout', 'history', 'deployment/web', '-n', ns]);
  t.regex(history.out, /2\s+to 1\.9/);
  t.regex(history.out, /3\s+first/);
  const toTwo = await corral(['rollout', 'undo', 'deployment/web', '-n', ns, '--to-revision=2']);
  t.is(toTwo.code, 0, toTwo.err);
  const again = await rolledOut(ns, 'web');
  t.is(again.spec.template.spec.containers[0]!.image, 'nginx:1.9');
  const status = await corral(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=20s']);
  t.is(status.code, 0, status.err);
  t.regex(status.out, /successfully rolled out/);
});

function rc(name: string, replicas: number, labels: Record<string, string>, image = 'nginx:1.7', extra: Partial<Pod['spec']> = {}): ReplicationController {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name }, spec: { replicas, selector: labels, template: template(labels, image, extra) } };
}

async function rcFile(name: string, obj: ReplicationController): Promise<string> {
  const path = join(home, name);
  await writeFile(path, JSON.stringify(obj));
  return path;
}

async function readyRc(ns: string, name: string, n: number): Promise<void> {
  await eventually(`${name} with ${n} ready pods`, async () => {
    const current = await cp.client.get<ReplicationController>(REPLICATION_CONTROLLERS, name, { namespace: ns });
    return current.status?.readyReplicas === n ? true : undefined;
  });
}

const FAST = ['--update-period=0s', '--poll-interval=100ms'];

test('rolling-update -f: one pod at a time, never below 3 ready or above 4 pods, then the old RC is gone', async (t) => {
  const ns = await createNamespace(cp.client, 'cli-rolling-file');
  await cp.client.create(REPLICATION_CONTROLLERS, rc('web-v1', 3, { app: 'web', version: 'v1' }), { namespace: ns });
  await readyRc(ns, 'web-v1', 3);
  const watcher = await PodWatcher.start(cp.client, ns, (pods) => {
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    if (active.length > 4) return `${active.length} pods`;
    if (active.filter(isReady).length < 3) return `${active.filter(isReady).length} ready pods`;
    return undefined;
  });
  const file = await rcFile('web-v2.json', rc('web-v2', 3, { app: 'web', version: 'v2' }, 'nginx:1.9'));
  const run = await corral(['rolling-update', 'web-v1', '-f', file, '-n', ns, ...FAST]);
  await watcher.stop();
  t.is(run.code, 0, run.err);
  t.regex(run.out, /Created web-v2/);
  t.regex(run.out, /Scaling web-v2 up to 3/);
  t.regex(run.out, /rolling updated to "web-v2"/);
  t.deepEqual(watcher.violations, []);
  const rcs = (await cp.client.list<ReplicationController>(REPLICATION_CONTROLLERS, { namespace: ns })).items;
  t.deepEqual(rcs.map((r) => r.metadata.name), ['web-v2']);
  const pods = await eventually('3 v2 pods', async () => {
    const now = await activePods(cp.client, ns);
    return now.length === 3 && now.every((p) => imageOf(p) === 'nginx:1.9') ? now : undefined;
  });
  t.true(pods.every((p) => ownedBy(p, rcs[0]!)));
});

test('rolling-update --image keeps the name: the new RC takes it over at the end', async (t) => {
  const ns = await createNamespace(cp.client, 'cli-rolling-image');
  await cp.client.create(REPLICATION_CONTROLLERS, rc('web', 2, { app: 'web' }), { namespace: ns });
  await readyRc(ns, 'web', 2);
  const run = await corral(['rolling-update', 'web', '--image=nginx:1.9', '-n', ns, ...FAST]);
  t.is(run.code, 0, run.err);
  t.regex(run.out, /Renaming web-\w+ to web/);
  const rcs = await eventually('one RC named web', async () => {
    const now = (await cp.client.list<ReplicationController>(REPLICATION_CONTROLLERS, { namespace: ns })).items;
    return now.length === 1 ? now : undefined;
  });
  t.is(rcs[0]!.metadata.name, 'web');
  t.is(rcs[0]!.spec.template?.spec.containers[0]?.image, 'nginx:1.9');
  t.is(rcs[0]!.spec.replicas, 2);
  const pods = await eventually('2 pods of 1.9 owned by web', async () => {
    const now = await activePods(cp.client, ns);
    return now.length === 2 && now.every((p) => imageOf(p) === 'nginx:1.9' && ownedBy(p, rcs[0]!)) ? now : undefined;
  });
  t.is(pods.length, 2);
});

test('a stuck rolling-update times out, runs again to the end once fixed, or rolls back with --rollback', async (t) => {
  const ns = await createNamespace(cp.client, 'cli-rolling-stuck');
  await cp.client.create(REPLICATION_CONTROLLERS, rc('web-v1', 2, { app: 'web', version: 'v1' }), { namespace: ns });
  await readyRc(ns, 'web-v1', 2);
  const stuck = rc('web-v2', 2, { app: 'web', version: 'v2' }, 'nginx:1.9', { nodeSelector: { 'corral.dev/no-such-node': 'true' } });
  const file = await rcFile('stuck.json', stuck);
  const first = await corral(['rolling-update', 'web-v1', '-f', file, '-n', ns, ...FAST, '--timeout=1s']);
  t.is(first.code, 1);
  t.regex(first.err, /timed out waiting for 1 ready pods of web-v2/);

  const back = await corral(['rolling-update', 'web-v1', '-f', file, '-n', ns, ...FAST, '--rollback']);
  t.is(back.code, 0, back.err);
  t.regex(back.out, /rolled back/);
  const rcs = (await cp.client.list<ReplicationController>(REPLICATION_CONTROLLERS, { namespace: ns })).items;
  t.deepEqual(rcs.map((r) => r.metadata.name), ['web-v1']);
  t.is(rcs[0]!.spec.replicas, 2);
  t.is(rcs[0]!.metadata.annotations?.['kubectl.kubernetes.io/original-replicas'], undefined);
  await eventually('only v1 pods', async () => {
    const now = await activePods(cp.client, ns);
    return now.length === 2 && now.every((p) => p.metadata.labels?.version === 'v1') ? true : undefined;
  });

  // Interrupted again, then the new RC's template is fixed: the same command picks up from there.
  const second = await corral(['rolling-update', 'web-v1', '-f', file, '-n', ns, ...FAST, '--timeout=1s']);
  t.is(second.code, 1);
  await cp.client.patch(REPLICATION_CONTROLLERS, 'web-v2', { spec: { template: { spec: { nodeSelector: null } } } }, 'merge', { namespace: ns });
  for (const pod of await activePods(cp.client, ns, 'version=v2')) await cp.client.delete(PODS, pod.metadata.name!, { namespace: ns });
  const fixed = rc('web-v2', 2, { app: 'web', version: 'v2' }, 'nginx:1.9');
  const resumed = await corral(['rolling-update', 'web-v1', '-f', await rcFile('fixed.json', fixed), '-n', ns, ...FAST]);
  t.is(resumed.code, 0, resumed.err);
  t.regex(resumed.out, /Continuing update with existing controller web-v2/);
  const after = (await cp.client.list<ReplicationController>(REPLICATION_CONTROLLERS, { namespace: ns })).items;
  t.deepEqual(after.map((r) => r.metadata.name), ['web-v2']);
  t.is(after[0]!.spec.replicas, 2);
});
