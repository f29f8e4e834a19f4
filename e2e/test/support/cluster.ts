// A cluster of several nodes on this machine, as the networking design wants it tested: each
// node a network namespace on a test underlay (veth pairs on a bridge of the test's own, whose
// host end is the server's address), an agent per node started inside its namespace with the
// overlay pod network and the chosen service data path, and `corral server` (with node IPAM and
// the cluster DNS) on the underlay. Everything is the test's own and goes in its teardown.
import type { ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApiClient, PODS, type Node, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startChild, type Child } from './processes.js';

const run = promisify(execFile);
export const sh = (cmd: string) => run('sh', ['-c', cmd]);
const bin = fileURLToPath(new URL('../../../../core/dist/src/cli/main.js', import.meta.url));
const NODES_REF = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };

export type DataPath = 'userspace' | 'iptables';

export interface TestNode {
  readonly name: string;
  /** The node's network namespace. */
  readonly ns: string;
  /** Its underlay address. */
  readonly ip: string;
  podCIDR: string;
}

export interface TestCluster {
  readonly url: string;
  readonly client: ApiClient;
  readonly serverIP: string;
  readonly nodes: readonly TestNode[];
  /** The pod addresses' common prefix ("10.22x.y."). */
  readonly podPrefix: string;
  /** Runs `command` in pod `name` (its namespaces); stdout and stderr, trimmed. */
  exec(name: string, command: string[]): Promise<{ code: number; text: string }>;
  /** Waits until pod `name` is Running and Ready. */
  ready(name: string, timeoutMs?: number): Promise<Pod>;
}

/**
 * A pod answering TCP on 8080 with `reply` (busybox nc) and Ready once it listens. It ignores
 * SIGTERM (an ignored signal stays ignored across exec), so when deleted it keeps answering for
 * its grace period, as a server finishing its work would: only the proxies take it out of rotation.
 */
export function replyPod(name: string, node: string, app: string, reply: string, graceSeconds = 10): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: graceSeconds,
      containers: [
        {
          name: 'app',
          image: 'busybox',
          command: ['sh', '-c', `trap "" TERM; exec busybox nc -ll -p 8080 -e echo ${reply}`],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}

/** Starts the underlay, the server and an agent per node; waits for every node to be Ready with its subnet and overlay end. */
export async function startCluster(t: ExecutionContext, options: { nodes: number; dataPath: DataPath }): Promise<TestCluster> {
  const started = Date.now();
  const id = randomInt(1000, 10000);
  // Test-only addresses, random so that parallel tests never meet: the underlay in 10.210-216,
  // the cluster's pods in 10.220-226 (the same third octet).
  const a = randomInt(0, 7);
  const r = randomInt(1, 250);
  const underlay = `crlu${id}`;
  const serverIP = `10.${210 + a}.${r}.254`;
  const podPrefix = `10.${220 + a}.${r}.`;
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-cluster-'));
  const children: Child[] = [];
  const cleanups: string[] = [];
  t.teardown(async () => {
    for (const c of children.reverse()) await c.stop();
    for (const cmd of cleanups.reverse()) await sh(cmd).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  await sh(`ip link add ${underlay} type bridge && ip addr add ${serverIP}/24 dev ${underlay} && ip link set ${underlay} up`);
  cleanups.push(`ip link del ${underlay}`);
  const nodes: TestNode[] = Array.from({ length: options.nodes }, (_, i) => ({ name: `mn${i + 1}`, ns: `crlt-mn${i + 1}-${id}`, ip: `10.${210 + a}.${r}.${i + 1}`, podCIDR: '' }));
  for (const [i, n] of nodes.entries()) {
    const veth = `crlu${id}v${i + 1}`;
    await sh(`ip netns add ${n.ns}`);
    cleanups.push(`ip netns del ${n.ns}`);
    await sh(`ip link add ${veth} type veth peer name ${veth}p && ip link set ${veth}p netns ${n.ns} && ip -n ${n.ns} link set ${veth}p name u0 && ip link set ${veth} master ${underlay} up`);
    await sh(`ip -n ${n.ns} addr add ${n.ip}/24 dev u0 && ip -n ${n.ns} link set u0 up && ip -n ${n.ns} link set lo up`);
    // Each node's firewall drops forwarded packets by default, as Docker leaves a machine: what
    // Corral forwards (pod to pod, across nodes, NodePorts) must pass through its own accept rules.
    await sh(`ip netns exec ${n.ns} iptables -w -P FORWARD DROP`);
  }

  const port = randomInt(20000, 30000);
  await writeFile(
    join(dir, 'server.yaml'),
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/plugin-node-ipam"',
      `    options: { clusterCIDR: ${podPrefix}0/24, nodeMaskSize: 26 }`,
      '  - name: "@corral/plugin-dns"',
      `    options: { listen: "${serverIP}:53", advertiseAddress: "${serverIP}", upstreams: [] }`,
      '',
    ].join('\n'),
  );
  const url = `http://${serverIP}:${port}`;
  const server = startChild(process.execPath, [bin, 'server', '--config', join(dir, 'server.yaml'), '--data-dir', join(dir, 'data'), '--listen', `${serverIP}:${port}`, '--no-tls', '--leader-elect=false']);
  children.push(server);
  await server.waitFor(url);
  t.log(`server up after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  await writeFile(
    join(dir, 'agent.yaml'),
    ['apiVersion: corral.dev/v1alpha1', 'kind: CorralConfig', 'plugins:', '  - name: "@corral/runtime-process"', '    options: { limits: "off" }', 'agent:', '  runtime: process', `  network: { pods: overlay, services: ${options.dataPath} }`, ''].join('\n'),
  );
  const agents = new Map<string, Child>();
  for (const n of nodes) {
    agents.set(
      n.name,
      startChild('ip', [
        'netns', 'exec', n.ns, process.execPath, bin, 'agent', '--config', join(dir, 'agent.yaml'), '--server', url,
        '--node-name', n.name, '--root-dir', join(dir, n.name), '--port', '10250', '--address', n.ip, '--node-ip', n.ip,
      ]),
    );
    children.push(agents.get(n.name)!);
  }

  const client = new ApiClient({ server: url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  // Before the agents stop (a stopped agent leaves its pods running, as a kubelet does): the
  // pods go, so their processes, namespaces and leases go with them.
  t.teardown(async () => {
    await client.deleteCollection(PODS, { namespace: 'default', gracePeriodSeconds: 0 }).catch(() => undefined);
    await waitFor('the pods gone', async () => (await client.list(PODS, { namespace: 'default' })).items.length === 0, 30_000).catch(() => undefined);
    client.close();
  });
  for (const n of nodes) {
    const node = await waitFor(`node ${n.name} Ready with its subnet and overlay end`, async () => {
      const node = await client.get<Node>(NODES_REF, n.name);
      const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && node.spec?.podCIDR && node.metadata.annotations?.['overlay.corral.dev/vtep-mac'] ? node : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\nits agent said:\n${agents.get(n.name)!.output().slice(-4000)}`);
    });
    n.podCIDR = node.spec!.podCIDR!;
    const since = (iso: string | undefined) => (iso ? `${((Date.parse(iso) - started) / 1000).toFixed(0)} s` : '?');
    const readyAt = node.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    t.log(`node ${n.name} Ready with ${n.podCIDR} after ${((Date.now() - started) / 1000).toFixed(1)} s (registered at ${since(node.metadata.creationTimestamp)}, Ready at ${since(readyAt)})`);
    // The server's host is on the cluster network too: it routes each node's pod subnet to the
    // node (with iptables, pods reach the cluster DNS on this host with their own addresses).
    await sh(`ip route add ${n.podCIDR} via ${n.ip}`);
    cleanups.push(`ip route del ${n.podCIDR}`);
  }

  return {
    url,
    client,
    serverIP,
    nodes,
    podPrefix,
    async exec(name, command) {
      const out: Buffer[] = [];
      const sink = { write: (b: Buffer) => out.push(b) };
      const res = await client.exec(name, { namespace: 'default', command, stdout: sink, stderr: sink });
      return { code: res.exitCode, text: Buffer.concat(out).toString().trim() };
    },
    ready(name, timeoutMs = 60_000) {
      return waitFor(`${name} Running and Ready`, async () => {
        const p = await client.get<Pod>(PODS, name, { namespace: 'default' });
        return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
      }, timeoutMs);
    },
  };
}
