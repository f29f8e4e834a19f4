// Two nodes on one machine, as the networking design wants them tested: each node a network
// namespace on a test underlay (veth pairs on a bridge of the test's own), an agent per node
// started inside its namespace with the overlay pod network and the userspace proxy, and
// `corral server` on the underlay. Pods on different nodes reach each other by IP over VXLAN,
// and a Service answers by ClusterIP, NodePort and DNS name from a pod on the other node, with
// either proxy. All addresses are the test's.
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApiClient, PODS, type Node, type Pod, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startChild, type Child } from './support/processes.js';

const run = promisify(execFile);
const sh = (cmd: string) => run('sh', ['-c', cmd]);
const bin = fileURLToPath(new URL('../../../core/dist/src/cli/main.js', import.meta.url));

async function scenario(t: ExecutionContext, dataPath: 'userspace' | 'iptables'): Promise<void> {
  const id = randomInt(1000, 10000);
  const r = randomInt(1, 250);
  const underlay = `crlu${id}`;
  const serverIP = `10.219.${r}.254`;
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-multinode-'));
  const children: Child[] = [];
  const cleanups: string[] = [];
  t.teardown(async () => {
    for (const c of children.reverse()) await c.stop();
    for (const cmd of cleanups.reverse()) await sh(cmd).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  await sh(`ip link add ${underlay} type bridge && ip addr add ${serverIP}/24 dev ${underlay} && ip link set ${underlay} up`);
  cleanups.push(`ip link del ${underlay}`);
  const nodes = [1, 2].map((i) => ({ name: `mn${i}`, ns: `crlt-mn${i}-${id}`, veth: `crlu${id}v${i}`, ip: `10.219.${r}.${i}` }));
  for (const n of nodes) {
    await sh(`ip netns add ${n.ns}`);
    cleanups.push(`ip netns del ${n.ns}`);
    await sh(`ip link add ${n.veth} type veth peer name ${n.veth}p && ip link set ${n.veth}p netns ${n.ns} && ip -n ${n.ns} link set ${n.veth}p name u0 && ip link set ${n.veth} master ${underlay} up`);
    await sh(`ip -n ${n.ns} addr add ${n.ip}/24 dev u0 && ip -n ${n.ns} link set u0 up && ip -n ${n.ns} link set lo up`);
  }

  const port = randomInt(20000, 30000);
  await writeFile(
    join(dir, 'server.yaml'),
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/plugin-node-ipam"',
      `    options: { clusterCIDR: 10.222.${r}.0/24, nodeMaskSize: 26 }`,
      '  - name: "@corral/plugin-dns"',
      `    options: { listen: "${serverIP}:53", advertiseAddress: "${serverIP}", upstreams: [] }`,
      '',
    ].join('\n'),
  );
  const server = startChild(process.execPath, [bin, 'server', '--config', join(dir, 'server.yaml'), '--data-dir', join(dir, 'data'), '--listen', `${serverIP}:${port}`, '--no-tls', '--leader-elect=false']);
  children.push(server);
  await server.waitFor(`http://${serverIP}:${port}`);
  const url = `http://${serverIP}:${port}`;

  await writeFile(
    join(dir, 'agent.yaml'),
    ['apiVersion: corral.dev/v1alpha1', 'kind: CorralConfig', 'plugins:', '  - name: "@corral/runtime-process"', '    options: { limits: "off" }', 'agent:', '  runtime: process', `  network: { pods: overlay, services: ${dataPath} }`, ''].join('\n'),
  );
  for (const n of nodes) {
    const agent = startChild('ip', [
      'netns', 'exec', n.ns, process.execPath, bin, 'agent', '--config', join(dir, 'agent.yaml'), '--server', url,
      '--node-name', n.name, '--root-dir', join(dir, n.name), '--port', '10250', '--address', n.ip, '--node-ip', n.ip,
    ]);
    children.push(agent);
  }

  const client = new ApiClient({ server: url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  // Before the agents stop (a stopped agent leaves its pods running, as a kubelet does): the
  // pods go, so their processes, namespaces and leases go with them.
  t.teardown(async () => {
    await client.deleteCollection(PODS, { namespace: 'default' }).catch(() => undefined);
    await waitFor('the pods gone', async () => (await client.list(PODS, { namespace: 'default' })).items.length === 0, 30_000).catch(() => undefined);
    client.close();
  });
  const nodesRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
  for (const n of nodes) {
    const node = await waitFor(`node ${n.name} Ready with its subnet and overlay end`, async () => {
      const node = await client.get<Node>(nodesRef, n.name);
      const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && node.spec?.podCIDR && node.metadata.annotations?.['overlay.corral.dev/vtep-mac'] ? node : undefined;
    }, 60_000);
    // The server's host is on the cluster network too: it routes each node's pod subnet to the
    // node (with iptables, pods reach the cluster DNS on this host with their own addresses).
    await sh(`ip route add ${node.spec!.podCIDR} via ${n.ip}`);
    cleanups.push(`ip route del ${node.spec!.podCIDR}`);
  }

  const pod = (name: string, node: string, command: string): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name.startsWith('web') ? 'web' : 'client' } },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', command], ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] },
  });
  await client.create(PODS, pod('web-b', 'mn2', 'exec busybox nc -ll -p 8080 -e echo pong-from-b'));
  await client.create(PODS, { ...pod('client-a', 'mn1', 'exec busybox nc -ll -p 8080 -e echo pong-from-a') });
  const [webB, clientA] = await Promise.all(
    ['web-b', 'client-a'].map((name) =>
      waitFor(`${name} Running and Ready`, async () => {
        const p = await client.get<Pod>(PODS, name, { namespace: 'default' });
        return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
      }, 60_000),
    ),
  );
  t.regex(webB!.status!.podIP!, new RegExp(`^10\\.222\\.${r}\\.`));
  t.not(webB!.status!.podIP!.split('.')[3], undefined);

  const execIn = async (name: string, command: string[]) => {
    const out: Buffer[] = [];
    const res = await client.exec(name, { namespace: 'default', command, stdout: { write: (b: Buffer) => out.push(b) } });
    return { code: res.exitCode, text: Buffer.concat(out).toString().trim() };
  };
  // Pod to pod across nodes, by IP, over VXLAN.
  const direct = await waitFor('a reply from the pod on the other node', async () => {
    const r1 = await execIn('client-a', ['busybox', 'nc', '-w', '3', webB!.status!.podIP!, '8080']);
    return r1.text === 'pong-from-b' ? r1 : undefined;
  });
  t.is(direct.text, 'pong-from-b');

  // A Service: its ClusterIP answers from a pod on the other node (the userspace proxy of node 1
  // forwards to the endpoint on node 2).
  const svc = await client.create<Service>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  });
  const viaService = await waitFor('the Service answering on its ClusterIP', async () => {
    const r1 = await execIn('client-a', ['busybox', 'nc', '-w', '3', svc.spec.clusterIP!, '80']);
    return r1.text === 'pong-from-b' ? r1 : undefined;
  });
  t.is(viaService.text, 'pong-from-b');
  t.is(clientA!.spec.nodeName, 'mn1');

  // The NodePort, on the node the pod does not run on and on the one it does.
  const nodePort = String(svc.spec.ports![0]!.nodePort);
  for (const n of nodes) {
    const viaNodePort = await waitFor(`the NodePort on ${n.name}`, async () => {
      const r1 = await execIn('client-a', ['busybox', 'nc', '-w', '3', n.ip, nodePort]);
      return r1.text === 'pong-from-b' ? r1 : undefined;
    });
    t.is(viaNodePort.text, 'pong-from-b');
  }

  // Its DNS name, through the cluster DNS's own Service (kube-dns), from the pod.
  const dns = await client.get<Service>('services', 'kube-dns', { namespace: 'kube-system' });
  const lookup = await waitFor('the Service name resolving', async () => {
    const r1 = await execIn('client-a', ['busybox', 'nslookup', 'web.default.svc.cluster.local', dns.spec.clusterIP!]);
    return r1.text.includes(svc.spec.clusterIP!) ? r1 : undefined;
  });
  t.regex(lookup.text, new RegExp(svc.spec.clusterIP!.replace(/\./g, '\\.')));
}

test('userspace proxy: pods on two nodes talk over the overlay; a Service answers by ClusterIP, NodePort and DNS name from the other node', (t) => scenario(t, 'userspace'));
test('iptables proxy: the same, through DNAT rules in each node', (t) => scenario(t, 'iptables'));
