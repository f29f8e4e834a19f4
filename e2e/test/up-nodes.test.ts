// `corral up --nodes 3` as root: three nodes Ready in namespaces of their own, a Deployment of 3
// spread over them, a Service answering by ClusterIP from the host and from a pod on another node,
// and its DNS name. Then the `corral up` is killed (-9) and started again on the same data dir:
// it stops the agents the dead one left, takes over its namespaces and the cluster comes back.
// Ctrl-C removes the namespaces, links and routes.
import test from 'ava';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PODS, type ApiClient, type Node, type Pod, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import {
  ask,
  clientFor,
  corralUp,
  DEPLOYMENTS,
  isReady,
  killPodProcesses,
  linkExists,
  netnsExists,
  NODES,
  podProcesses,
  podReady,
  pongDeployment,
  randomRanges,
  sh,
  spawnUp,
  writeUpConfig,
  type Up,
  type UpNode,
} from './support/corral-up.js';
import { freePort } from './support/ports.js';

// One cluster for the serial tests below; the last one stops it.
interface Cluster {
  dir: string;
  args: string[];
  kubeconfig: string;
  ranges: ReturnType<typeof randomRanges>;
  up?: Up;
  nodes: UpNode[];
  clusterIP: string;
  client: ApiClient;
}
let cluster: Cluster | undefined;
/** Every pong pod seen, so that none of their processes may outlive the cluster. */
const seenPods = new Set<string>();

test.after.always(async () => {
  if (!cluster) return;
  await cluster.client.deleteCollection(PODS, { namespace: 'default' }).catch(() => undefined);
  await cluster.up?.stop();
  killPodProcesses([...seenPods]);
  cluster.client.close();
  await rm(cluster.dir, { recursive: true, force: true });
});

async function podsReady(client: ApiClient, what: string, timeoutMs: number): Promise<Pod[]> {
  let last: Pod[] = [];
  try {
    return await waitFor(what, async () => {
      last = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=pong' })).items;
      for (const p of last) seenPods.add(p.metadata.name!);
      return last.length === 3 && last.every(podReady) ? last : undefined;
    }, timeoutMs);
  } catch (err) {
    const states = last.map((p) => `${p.metadata.name} on ${p.spec.nodeName}: ${p.status?.phase}${p.metadata.deletionTimestamp ? ' (deleting)' : ''}`).join('; ');
    throw new Error(`${(err as Error).message}; the pods: ${states}`);
  }
}

test.serial('corral up --nodes 3: nodes Ready, a spread Deployment, a Service from the host, from a pod on another node and by DNS name', async (t) => {
  const t0 = Date.now();
  const phase = (what: string) => t.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-up-nodes-'));
  const ranges = randomRanges();
  const prefix = `upn${randomInt(1000, 10000)}`;
  const config = await writeUpConfig(dir, ranges);
  const kubeconfig = join(dir, 'kubeconfig');
  const args = ['--nodes', '3', '--config', config, '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, '--node-name', prefix, '--underlay', ranges.underlay, '--listen', `:${await freePort()}`];
  const c: Cluster = (cluster = { dir, args, kubeconfig, ranges, nodes: [], clusterIP: '', client: undefined as unknown as ApiClient });
  c.up = await corralUp(args);
  phase('up');
  const nodes = (c.nodes = c.up.nodes());
  t.deepEqual(nodes.map((n) => n.name), [1, 2, 3].map((i) => `${prefix}-${i}`), c.up.output());

  // The kubeconfig works from the host, with kubectl's own client too.
  const client = (c.client = clientFor(kubeconfig));
  for (const n of nodes) {
    const node = await waitFor(`${n.name} Ready`, async () => {
      const found = await client.get<Node>(NODES, n.name);
      return isReady(found) ? found : undefined;
    }, 60_000);
    t.is(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, n.ip);
  }
  phase('nodes Ready');
  // A second one on the same data dir would take the first one's agents for leftovers: refused.
  const second = spawnUp(args);
  t.is(await second.exited, 1, second.output());
  t.regex(second.output(), new RegExp(`another corral up \\(process ${c.up.child.pid}\\) runs on ${join(dir, 'data')}`));
  const { stdout } = await sh(`KUBECONFIG=${kubeconfig} kubectl get nodes -o name`);
  t.deepEqual(stdout.trim().split('\n').sort(), nodes.map((n) => `node/${n.name}`));

  const svc = await client.create<Service>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'pong', namespace: 'default' },
    spec: { selector: { app: 'pong' }, ports: [{ port: 80, targetPort: 'tcp' }] },
  });
  const clusterIP = (c.clusterIP = svc.spec.clusterIP!);
  t.true(clusterIP.startsWith(`10.228.${ranges.r}.`));
  await client.create(DEPLOYMENTS, pongDeployment('pong', 3));
  const running = await podsReady(client, '3 pong pods Ready', 60_000);
  phase('pods Ready');
  t.is(new Set(running.map((p) => p.spec.nodeName)).size, 3, 'one replica per node');
  // A host firewall dropping forwarded traffic (Docker's) would cut the nodes apart: the underlay
  // bridge has its own accept chain.
  const underlay = /on the underlay bridge (\S+),/.exec(c.up!.output())![1]!;
  const { stdout: filter } = await sh('iptables -w -S');
  t.true(filter.includes(`-A CRLFWD-${underlay} -i ${underlay} -j ACCEPT`), filter);
  t.regex(filter, new RegExp(`-A FORWARD .*-j CRLFWD-${underlay}`));

  // From the host, through the route to the first node's proxy: every replica answers in turn.
  const seen = new Set<string>();
  await waitFor('every replica answering on the ClusterIP from the host', async () => {
    const answer = await ask(clusterIP, 80);
    if (answer) seen.add(answer);
    return seen.size === 3;
  }, 30_000);
  t.is(seen.size, 3);
  phase('ClusterIP from the host');

  // From the replica on node 3: the answers of the replicas on the other nodes cross the overlay.
  const clientPod = running.find((p) => p.spec.nodeName === nodes[2]!.name)!;
  const execIn = async (command: string[]) => {
    const out: Buffer[] = [];
    await client.exec(clientPod.metadata.name!, { namespace: 'default', command, stdout: { write: (b: Buffer) => out.push(b) } });
    return Buffer.concat(out).toString().trim();
  };
  const fromOthers = new Set<string>();
  await waitFor('replicas on the other nodes answering a pod on node 3', async () => {
    const text = await execIn(['busybox', 'nc', '-w', '2', clusterIP, '80']);
    if (text.startsWith('pong-') && text !== `pong-${clientPod.metadata.name}`) fromOthers.add(text);
    return fromOthers.size >= 1;
  }, 30_000);
  t.true(fromOthers.size >= 1);
  phase('ClusterIP from a pod');
  // The cluster DNS, on the underlay, through its Service.
  const dns = await client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' });
  const lookup = await waitFor('pong.default.svc.cluster.local resolving in a pod', async () => {
    const text = await execIn(['busybox', 'nslookup', 'pong.default.svc.cluster.local', dns.spec.clusterIP!]);
    return text.includes(clusterIP) ? text : undefined;
  }, 30_000);
  t.true(lookup.includes(clusterIP));
  phase('DNS');
});

test.serial('killed (-9) and started again on the same data dir, it stops the agents left running and recovers the cluster; Ctrl-C removes namespaces, links and routes', async (t) => {
  const c = cluster;
  if (!c?.up) return t.fail('the cluster of the first test did not come up');
  const t0 = Date.now();
  const phase = (what: string) => t.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const deployment = await c.client.get(DEPLOYMENTS, 'pong', { namespace: 'default' });
  // A crash: the agents it started live on; the next `corral up` stops them and takes over.
  await c.up.kill();
  for (const n of c.nodes) t.notThrows(() => process.kill(n.agentPid, 0), `the agent of ${n.name} outlived its corral up`);
  c.up = await corralUp(c.args);
  const up = c.up;
  phase('up again after kill -9');
  t.regex(up.output(), /Leftover of an earlier run: stopped the agent left running in/);
  t.deepEqual(up.nodes().map((n) => n.netns), c.nodes.map((n) => n.netns), 'the same namespaces');
  for (const n of c.nodes) t.false(up.nodes().some((m) => m.agentPid === n.agentPid), 'new agents');
  t.is((await c.client.get(DEPLOYMENTS, 'pong', { namespace: 'default' })).metadata.uid, deployment.metadata.uid);
  await podsReady(c.client, '3 pong pods Ready again', 90_000);
  phase('pods Ready again');
  await waitFor('the ClusterIP answering from the host again', async () => (await ask(c.clusterIP, 80)) !== undefined, 30_000);

  // Ctrl-C: the pods stop, then the namespaces, the links and the routes go.
  t.is(await up.stop(), 0, up.output());
  c.up = undefined;
  phase('stopped');
  t.regex(up.output(), /Removed the underlay/);
  t.deepEqual(podProcesses([...seenPods]), [], 'no process of any pod outlives the cluster');
  for (const n of c.nodes) t.false(await netnsExists(n.netns), n.netns);
  const bridge = /on the underlay bridge (\S+),/.exec(up.output())![1]!;
  t.false(await linkExists(bridge));
  t.false((await sh('iptables -w -S')).stdout.includes(`CRLFWD-${bridge}`), 'the accept chain of the underlay is gone');
  const { stdout: routes } = await sh('ip route');
  t.false(routes.includes(`10.227.${c.ranges.r}.`), routes);
  t.false(routes.includes(`10.228.${c.ranges.r}.`), routes);
});
