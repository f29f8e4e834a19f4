import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Node } from '@corral/core';
import { BridgeNetwork, podLinkNames } from '@corral/network-bridge';
import { peersOf, UNDERLAY_IP_ANNOTATION, VTEP_MAC_ANNOTATION, Vxlan } from '../src/index.js';
import { PodMtu } from '../src/PodMtu.js';

// Two nodes on one machine: each a network namespace on a test underlay (veth pairs on a bridge
// of the test's own), each with its overlay device, its pod bridge and a pod. Addresses are all
// the test's; nothing is routed off the machine.

const run = promisify(execFile);
const sh = (cmd: string) => run('sh', ['-c', cmd]);

async function mtuOf(ns: string, link: string): Promise<number> {
  return (JSON.parse((await run('ip', ['-n', ns, '-j', 'link', 'show', link])).stdout) as { mtu: number }[])[0]!.mtu;
}

test('peers from Node objects: only other nodes that published their end and have a subnet', (t) => {
  const node = (name: string, podCIDR?: string, mac?: string): Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, annotations: mac ? { [VTEP_MAC_ANNOTATION]: mac, [UNDERLAY_IP_ANNOTATION]: '10.0.0.9' } : {} },
    spec: podCIDR ? { podCIDR } : {},
  });
  const peers = peersOf([node('me', '10.244.0.0/24', 'aa:aa:aa:aa:aa:aa'), node('b', '10.244.1.0/24', 'bb:bb:bb:bb:bb:bb'), node('c', '10.244.2.0/24'), node('d')], 'me');
  t.deepEqual(peers, [{ name: 'b', podCIDR: '10.244.1.0/24', underlayIP: '10.0.0.9', vtepMAC: 'bb:bb:bb:bb:bb:bb' }]);
});

test('a pod on node A reaches a pod on node B by its IP over VXLAN; a removed peer loses its route', async (t) => {
  const id = randomInt(1000, 10000);
  const r = randomInt(1, 250);
  const under = `crlu${id}`;
  const dir = await mkdtemp(join(tmpdir(), 'corral-overlay-'));
  const nodes = [1, 2].map((i) => ({
    ns: `crlt-node${i}-${id}`,
    veth: `crlu${id}n${i}`,
    underlayIP: `10.219.${r}.${i}`,
    podCIDR: `10.220.${(r + i) % 250}.0/24`,
  }));
  const cleanup: (() => Promise<unknown>)[] = [];
  t.teardown(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  await sh(`ip link add ${under} type bridge && ip link set ${under} up`);
  cleanup.push(() => sh(`ip link del ${under}`));
  for (const n of nodes) {
    await sh(`ip netns add ${n.ns}`);
    cleanup.push(() => sh(`ip netns del ${n.ns}`));
    await sh(`ip link add ${n.veth} type veth peer name ${n.veth}p && ip link set ${n.veth}p netns ${n.ns} && ip -n ${n.ns} link set ${n.veth}p name u0 && ip link set ${n.veth} master ${under} up`);
    await sh(`ip -n ${n.ns} addr add ${n.underlayIP}/24 dev u0 && ip -n ${n.ns} link set u0 up && ip -n ${n.ns} link set lo up`);
  }

  const ends = await Promise.all(
    nodes.map(async (n, i) => {
      const vxlan = new Vxlan({ device: 'corral.1', vni: 7, port: 8472, localIP: n.underlayIP, podCIDR: n.podCIDR, nodeNetns: n.ns });
      const mac = await vxlan.ensure();
      const net = new BridgeNetwork({ bridge: 'corral0', podCIDR: n.podCIDR, stateDir: join(dir, `n${i}`), mtu: await vxlan.deviceMtu(), nodeNetns: n.ns });
      const pod = { uid: randomUUID(), namespace: 'default', name: `p${i}` };
      const status = await net.setup(pod);
      cleanup.push(() => net.teardown(pod));
      return { n, vxlan, mac, net, pod, status };
    }),
  );
  const [a, b] = ends as [(typeof ends)[0], (typeof ends)[0]];
  // The device is bound to the underlay's interface, 50 bytes (VXLAN's headers) under its MTU.
  const link = JSON.parse((await run('ip', ['-n', a.n.ns, '-d', '-j', 'link', 'show', 'corral.1'])).stdout)[0];
  t.is(link.mtu, 1500 - 50);
  t.is(link.linkinfo.info_data.link, 'u0');
  // Peers come from the store (no learning); no outer UDP checksum (RFC 7348, as flannel).
  t.like(link.linkinfo.info_data, { id: 7, port: 8472, local: a.n.underlayIP, learning: false, udp_csum: false, udp_zero_csum6_tx: true, udp_zero_csum6_rx: true });
  // Pods' interfaces and the pod bridge carry the device's MTU, so nothing is fragmented on the way in.
  t.is(await mtuOf(podLinkNames(a.pod.uid).netns, 'eth0'), 1450);
  t.is(await mtuOf(a.n.ns, 'corral0'), 1450);
  const peer = (e: typeof a) => ({ name: e.n.ns, podCIDR: e.n.podCIDR, underlayIP: e.n.underlayIP, vtepMAC: e.mac });
  await a.vxlan.sync([peer(b)]);
  await b.vxlan.sync([peer(a)]);

  const server = spawn('ip', ['netns', 'exec', podLinkNames(b.pod.uid).netns, 'busybox', 'nc', '-ll', '-p', '7100', '-e', 'echo', 'pong-from-b'], { stdio: 'ignore' });
  cleanup.push(async () => server.kill());
  await new Promise((res) => setTimeout(res, 300));
  const { stdout } = await run('ip', ['netns', 'exec', podLinkNames(a.pod.uid).netns, 'busybox', 'nc', '-w', '3', b.status.ip, '7100'], { timeout: 10_000 });
  t.is(stdout.trim(), 'pong-from-b');

  await a.vxlan.sync([]);
  const routes = (await run('ip', ['-n', a.n.ns, 'route', 'show', 'dev', 'corral.1'])).stdout;
  t.notRegex(routes, new RegExp(b.n.podCIDR.replace(/\./g, '\\.')));

  // A new Vxlan (a restarted agent) removes a route left for a node that is gone.
  await a.vxlan.sync([peer(b)]);
  const restarted = new Vxlan({ ...a.vxlan.options });
  await restarted.ensure();
  await restarted.sync([]);
  t.notRegex((await run('ip', ['-n', a.n.ns, 'route', 'show', 'dev', 'corral.1'])).stdout, /via/);
});

test('the device follows the underlay MTU, and a device with other settings is made again', async (t) => {
  const id = randomInt(1000, 10000);
  const ns = `crlt-vxmtu-${id}`;
  const underlayIP = `10.218.${randomInt(1, 250)}.1`;
  t.teardown(() => sh(`ip netns del ${ns}`).catch(() => undefined));
  await sh(`ip netns add ${ns} && ip -n ${ns} link add u0 mtu 9000 type veth peer name u0p mtu 9000 && ip -n ${ns} addr add ${underlayIP}/24 dev u0 && ip -n ${ns} link set u0 up && ip -n ${ns} link set u0p up`);
  const info = async () => JSON.parse((await run('ip', ['-n', ns, '-d', '-j', 'link', 'show', 'crl.vx'])).stdout)[0];

  // Made by another tool (or an older Corral): learning and the outer checksum on.
  await sh(`ip -n ${ns} link add crl.vx type vxlan id 9 local ${underlayIP} dev u0 dstport 8472 learning udpcsum`);
  const vxlan = new Vxlan({ device: 'crl.vx', vni: 9, port: 8472, localIP: underlayIP, podCIDR: '10.217.3.0/24', nodeNetns: ns });
  const mac = await vxlan.ensure();
  t.regex(vxlan.replaced ?? '', /learning true \(want false\).*udp_csum true \(want false\)/);
  t.like((await info()).linkinfo.info_data, { learning: false, udp_csum: false });
  t.is(await vxlan.deviceMtu(), 9000 - 50);

  // A smaller underlay MTU: the same device (its MAC, which peers know) with a smaller MTU.
  await sh(`ip -n ${ns} link set u0 mtu 1400`);
  t.is(await vxlan.ensure(), mac);
  t.is(vxlan.replaced, undefined);
  t.is(await vxlan.deviceMtu(), 1400 - 50);

  // A name taken by something else is not deleted.
  await sh(`ip -n ${ns} link add crl.br type bridge`);
  const clash = new Vxlan({ ...vxlan.options, device: 'crl.br' });
  await t.throwsAsync(clash.ensure(), { message: /crl\.br exists in crlt-vxmtu-\d+ and is not a VXLAN device/ });
});

test('pods wait for the device\'s MTU; a failed overlay fails them at once until the device is made', async (t) => {
  const mtu = new PodMtu();
  const first = mtu.get(10_000);
  mtu.set(8950);
  t.is(await first, 8950);
  t.is(await mtu.get(10), 8950);

  const failing = new PodMtu();
  const waiting = failing.get(10_000);
  failing.fail(new Error('node n1 has no spec.podCIDR'));
  await t.throwsAsync(waiting, { message: /no spec.podCIDR/ });
  // Pods set up after the failure fail at once, until the device is made after all.
  await t.throwsAsync(failing.get(10_000), { message: /no spec.podCIDR/ });
  failing.set(1450);
  t.is(await failing.get(10), 1450);

  await t.throwsAsync(new PodMtu().get(20), { message: /VXLAN device is not up after 0 s.*option mtu/ });
});
