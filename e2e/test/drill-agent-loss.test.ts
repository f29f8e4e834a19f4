// Failure drill: a machine lost under a running Service. On `corral up --nodes 3`, a Deployment
// of 3 TCP servers (one per node) sits behind a Service; a client on the host keeps asking the
// ClusterIP while node 3 goes away as a machine does: its agent and its pods' processes are
// killed (-9) and its underlay link goes down. The node turns NotReady, its pod is evicted and
// replaced on the other nodes, and the Service answers again once its endpoints are updated.
// The node-lifecycle defaults apply: 16 s without heartbeats, then 5 s before eviction.
import test from 'ava';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PODS, type ApiClient, type Endpoints, type Node, type Pod, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { ask, clientFor, corralUp, DEPLOYMENTS, isReady, killPodProcesses, NODES, podReady, pongDeployment, randomRanges, sh, writeUpConfig, type Up } from './support/corral-up.js';
import { Hammer } from './support/hammer.js';
import { freePort } from './support/ports.js';

interface Cluster {
  dir: string;
  up?: Up;
  client: ApiClient;
  clusterIP: string;
  /** The pod netns of the lost node's pods, which no agent will remove. */
  orphanNetns: string[];
  /** The lost node's pods, whose processes no agent will stop. */
  orphanPods: string[];
}

let cluster: Cluster | undefined;

test.after.always(async () => {
  if (!cluster) return;
  await cluster.client.deleteCollection(PODS, { namespace: 'default' }).catch(() => undefined);
  await cluster.up?.stop();
  killPodProcesses(cluster.orphanPods);
  for (const ns of cluster.orphanNetns) await sh(`ip netns del ${ns}`).catch(() => undefined);
  cluster.client.close();
  await rm(cluster.dir, { recursive: true, force: true });
});

const readyPods = async (client: ApiClient) => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=pong' })).items.filter((p) => podReady(p) && !p.metadata.deletionTimestamp);

test.serial('a 3-node cluster with a Service over 3 replicas, one per node', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-drill-agent-'));
  const ranges = randomRanges();
  const config = await writeUpConfig(dir, ranges);
  const kubeconfig = join(dir, 'kubeconfig');
  const c: Cluster = (cluster = { dir, client: undefined as unknown as ApiClient, clusterIP: '', orphanNetns: [], orphanPods: [] });
  c.up = await corralUp(['--nodes', '3', '--config', config, '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, '--node-name', `drl${randomInt(1000, 10000)}`, '--underlay', ranges.underlay, '--listen', `:${await freePort()}`]);
  c.client = clientFor(kubeconfig);
  const svc = await c.client.create<Service>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'pong', namespace: 'default' },
    spec: { selector: { app: 'pong' }, ports: [{ port: 80, targetPort: 'tcp' }] },
  });
  c.clusterIP = svc.spec.clusterIP!;
  await c.client.create(DEPLOYMENTS, pongDeployment('pong', 3));
  const pods = await waitFor('3 pods Ready', async () => {
    const ready = await readyPods(c.client);
    return ready.length === 3 ? ready : undefined;
  }, 60_000);
  t.is(new Set(pods.map((p) => p.spec.nodeName)).size, 3, 'one replica per node');
  await waitFor('the Service answering from the host', async () => (await ask(c.clusterIP, 80)) !== undefined, 30_000);
});

test.serial('node 3 lost: NotReady, its pod back on the other nodes, the Service answering again', async (t) => {
  const c = cluster;
  if (!c?.up) return t.fail('the cluster of the first test did not come up');
  const { client, clusterIP } = c;
  // Node 1 carries the host's route to the Service range, so the machine lost is node 3.
  const victim = c.up.nodes()[2]!;
  const lostPods = (await readyPods(client)).filter((p) => p.spec.nodeName === victim.name);
  t.is(lostPods.length, 1);
  const lostIP = lostPods[0]!.status!.podIP!;

  // The client: one request after another, each given 1 s.
  const hammer = new Hammer(async () => ((await ask(clusterIP, 80, 1_000)) !== undefined ? { ok: true, text: '' } : { ok: false, text: 'no answer' }), 50);
  t.teardown(() => hammer.stop());
  await new Promise((r) => setTimeout(r, 2_000));

  // The machine goes: its agent, every process of its pods, and its network.
  const lostAt = Date.now();
  process.kill(victim.agentPid, 'SIGKILL');
  c.orphanNetns = lostPods.map((p) => `corral-${p.metadata.uid}`);
  c.orphanPods = lostPods.map((p) => p.metadata.name!);
  await sh(`for pid in $(ip netns pids ${victim.netns}); do kill -9 $pid; done`);
  killPodProcesses(c.orphanPods);
  await sh(`ip -n ${victim.netns} link set u0 down`);

  await waitFor(`${victim.name} NotReady`, async () => !isReady(await client.get<Node>(NODES, victim.name)), 60_000);
  const notReadyAfter = (Date.now() - lostAt) / 1000;
  const replaced = await waitFor('3 Ready replicas again, none on the lost node', async () => {
    const ready = await readyPods(client);
    return ready.length === 3 && ready.every((p) => p.spec.nodeName !== victim.name) ? ready : undefined;
  }, 90_000);
  const backAfter = (Date.now() - lostAt) / 1000;
  await waitFor('the endpoints without the lost pod', async () => {
    const ep = await client.get<Endpoints>({ group: '', version: 'v1', plural: 'endpoints', namespaced: true, kind: 'Endpoints' }, 'pong', { namespace: 'default' });
    const ips = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
    return ips.length === 3 && !ips.includes(lostIP);
  }, 30_000);
  const endpointsAt = Date.now();
  // A few seconds more of asking, to count what fails after the update (reported, not asserted).
  await new Promise((r) => setTimeout(r, 3_000));
  await hammer.stop();

  const failed = hammer.failures;
  const failedAfterEndpoints = hammer.failedSince(endpointsAt + 1_001);
  t.log(`node NotReady after ${notReadyAfter.toFixed(1)} s; its pod replaced and Ready after ${backAfter.toFixed(1)} s (grace 16 s + eviction 5 s)`);
  t.log(`${hammer.requests} requests to the ClusterIP from the host, ${failed.length} failed; ${failedAfterEndpoints.length} of them started more than 1 s after the endpoints update`);
  t.is(new Set(replaced.map((p) => p.spec.nodeName)).size, 2);
  t.true(backAfter <= 30, `the lost node's pod came back after ${backAfter.toFixed(1)} s`);
  for (let i = 0; i < 10; i++) t.truthy(await ask(clusterIP, 80, 2_000), `request ${i} after the drill`);

  const up = c.up;
  t.is(await up.stop(), 0, up.output());
  c.up = undefined;
});
