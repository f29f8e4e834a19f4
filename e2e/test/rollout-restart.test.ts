// A Deployment rollout survives kill -9 of the server: `corral server` runs as a child process
// with the workloads plugin, a hollow agent in this test runs its pods, the server is killed in
// the middle of rolling 50 replicas from v1 to v2 and restarted on the same data dir. The
// rollout must finish with exactly 50 pods of v2, created once each (a watch across the restart
// counts them): no duplicates, no leftovers, no extra ReplicaSet. This is the server-kill drill.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ApiClient, type ApiWatch, type Deployment, type Pod, type ReplicaSet, type ResourceRef } from '@corral/core';
import { HollowAgent } from '@corral/core/testing';
import { freePort } from './support/ports.js';

const BIN = fileURLToPath(new URL('../../../core/bin/corral.js', import.meta.url));
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' };
const REPLICA_SETS: ResourceRef = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const REPLICAS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(100);
  }
}

let dir: string;
let server: ChildProcess | undefined;
let agent: HollowAgent | undefined;
let client: ApiClient | undefined;
let podWatch: ApiWatch<Pod> | undefined;
let serverLog = '';

function startServer(configFile: string, dataDir: string, port: number): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'server', '--config', configFile, '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--leader-elect=false'], {
    env: { HOME: dir, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  return child;
}

function killServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test.after.always(async () => {
  podWatch?.stop();
  await agent?.stop();
  client?.close();
  if (server) await killServer(server);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function imageOf(obj: { spec?: { template?: { spec: Pod['spec'] } } } | Pod): string | undefined {
  const spec = 'containers' in ((obj as Pod).spec ?? {}) ? (obj as Pod).spec : (obj as ReplicaSet).spec.template?.spec;
  return spec?.containers[0]?.image;
}

test('a rollout interrupted by kill -9 of the server finishes after the restart with exactly 50 pods of v2', async (t) => {
  dir = await mkdtemp(join(tmpdir(), 'corral-rollout-restart-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ apiVersion: 'corral.dev/v1alpha1', kind: 'CorralConfig', plugins: [{ name: '@corral/plugin-workloads' }] }));
  const port = await freePort();
  server = startServer(configFile, dataDir, port);
  client = new ApiClient({ server: `http://127.0.0.1:${port}`, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  await eventually('the server to answer', () => client!.get(PODS, 'none').catch((err: { code?: number }) => (err.code === 404 ? true : undefined)));
  // Pods take a moment to start, so the rollout is still under way when the server dies. The
  // nodes report every 3 s: the node-lifecycle controller takes a node that stays silent past its
  // grace (16 s) for lost and evicts its pods, and a 50-pod rollout outlasts that.
  agent = await HollowAgent.start({ client, nodes: 4, startDelayMs: 150, leases: false, nodeStatusIntervalMs: 3000 });

  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.7' }] } },
    },
  };
  await client.create(DEPLOYMENTS, deployment);
  const rolledOut = (image: string) =>
    eventually(`${REPLICAS} available replicas of ${image}`, async () => {
      const d = await client!.get<Deployment>(DEPLOYMENTS, 'web');
      const s = d.status;
      const done = imageOf({ spec: { template: d.spec.template } }) === image && s?.observedGeneration === d.metadata.generation;
      return done && s?.updatedReplicas === REPLICAS && s.replicas === REPLICAS && s.availableReplicas === REPLICAS ? d : undefined;
    }, 90_000);
  await rolledOut('nginx:1.7');

  // Every v2 pod ever created, by uid, through one watch that resumes across the restart.
  const createdV2 = new Set<string>();
  const lastSeen = new Map<string, Pod>();
  const listed = await client.list<Pod>(PODS);
  podWatch = client.watch<Pod>(PODS, { resourceVersion: listed.metadata.resourceVersion });
  const watching = (async () => {
    for await (const event of podWatch!) {
      if (imageOf(event.object) !== 'nginx:1.9') continue;
      if (event.type === 'ADDED') createdV2.add(event.object.metadata.uid!);
      lastSeen.set(event.object.metadata.uid!, event.object);
    }
  })().catch((err: unknown) => t.log(`the pod watch ended: ${String(err)}`));
  await client.patch(DEPLOYMENTS, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.9' }] } } } }, 'strategic');
  const midway = await eventually('the rollout under way', async () => {
    const pods = (await client!.list<Pod>(PODS)).items.filter((p) => !p.metadata.deletionTimestamp);
    const fresh = pods.filter((p) => imageOf(p) === 'nginx:1.9').length;
    return fresh >= 10 && fresh < REPLICAS ? fresh : undefined;
  });
  // The hollow agent gives up on a pod whose status write failed, so it goes down and comes
  // back with the server, as a node agent restarted at the same time would.
  await agent.stop();
  await killServer(server);
  t.log(`killed the server with ${midway} pods of v2 running`);
  server = startServer(configFile, dataDir, port);
  await eventually('the restarted server to answer', () => client!.get(PODS, 'none').catch((err: { code?: number }) => (err.code === 404 ? true : undefined)));
  // Registering its nodes can race the restarted node-lifecycle controller's writes to them (a
  // 409 from HollowAgent.start): start it again until it registers.
  agent = await eventually('the hollow agent to register again', () => HollowAgent.start({ client: client!, nodes: 4, startDelayMs: 150, leases: false, nodeStatusIntervalMs: 3000 }));

  try {
    await rolledOut('nginx:1.9');
  } catch (err) {
    const d = await client.get<Deployment>(DEPLOYMENTS, 'web');
    const sets = (await client.list<ReplicaSet>(REPLICA_SETS)).items.map((rs) => `${rs.metadata.name} ${imageOf(rs)} spec=${rs.spec.replicas} status=${JSON.stringify(rs.status)}`);
    const all = (await client.list<Pod>(PODS)).items.map((p) => `${p.metadata.name} ${imageOf(p)} ${p.status?.phase} node=${p.spec.nodeName ?? '-'} del=${p.metadata.deletionTimestamp ?? '-'}`);
    t.log(JSON.stringify(d.status, null, 1), sets.join('\n'), all.join('\n'), serverLog.slice(-3000));
    throw err;
  }
  const pods = await eventually('no pod of v1 and none terminating', async () => {
    const all = (await client!.list<Pod>(PODS)).items;
    return all.every((p) => imageOf(p) === 'nginx:1.9' && !p.metadata.deletionTimestamp) ? all : undefined;
  });
  // Settled: nothing more is created or deleted.
  await sleep(1000);
  const settled = (await client.list<Pod>(PODS)).items;
  t.is(settled.length, REPLICAS, serverLog.slice(-2000));
  t.deepEqual(settled.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort());
  const sets = (await client.list<ReplicaSet>(REPLICA_SETS)).items;
  t.is(sets.length, 2, `one ReplicaSet per template: ${sets.map((rs) => rs.metadata.name).join(', ')}`);
  const v2 = sets.filter((rs) => imageOf(rs) === 'nginx:1.9');
  t.is(v2.length, 1);
  t.is(v2[0]!.spec.replicas, REPLICAS);
  t.true(sets.filter((rs) => rs !== v2[0]).every((rs) => rs.spec.replicas === 0));
  t.true(settled.every((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === v2[0]!.metadata.uid)));
  t.true(settled.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')));
  await eventually('the watch to see every pod', async () => (settled.every((p) => createdV2.has(p.metadata.uid!)) ? true : undefined), 10_000);
  podWatch.stop();
  await watching;
  const settledUids = new Set(settled.map((p) => p.metadata.uid!));
  const gone = [...createdV2].filter((uid) => !settledUids.has(uid)).map((uid) => lastSeen.get(uid)!);
  const describe = (p: Pod) => `${p.metadata.name} node=${p.spec.nodeName ?? '-'} phase=${p.status?.phase} deleted=${p.metadata.deletionTimestamp ?? '-'} conditions=${JSON.stringify(p.status?.conditions ?? [])}`;
  t.is(createdV2.size, REPLICAS, `each v2 pod created once: none replaced, none duplicated; removed:\n${gone.map(describe).join('\n')}\n${serverLog.split('\n').filter((l) => /evict|taint|node-lifecycle|Unknown/i.test(l)).slice(-15).join('\n')}`);
});
