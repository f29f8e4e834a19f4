import test from 'ava';
import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { linkExists } from '@corral/core';
import { parseIpv4Cidr } from '@corral/core/net';
import { BridgeNetwork, cniConfig, Ipam, podLinkNames, writeCniConfig } from '../src/index.js';

// Real namespaces and links (root): a bridge and a subnet of the test's own, pods as network
// namespaces, traffic only between addresses the test set up.

const run = promisify(execFile);

async function network(t: { teardown(fn: () => Promise<void>): void }, prefix = 28) {
  const dir = await mkdtemp(join(tmpdir(), 'corral-bridge-'));
  const third = randomInt(1, 250);
  const net = new BridgeNetwork({ bridge: `crltb${randomInt(1e4, 1e5)}`, podCIDR: `10.214.${third}.0/${prefix}`, stateDir: dir });
  const pods: { uid: string; namespace: string; name: string }[] = [];
  t.teardown(async () => {
    for (const p of pods) await net.teardown(p);
    await net.removeBridge();
    await rm(dir, { recursive: true, force: true });
  });
  const pod = (name: string) => {
    const p = { uid: randomUUID(), namespace: 'default', name };
    pods.push(p);
    return p;
  };
  return { net, pod, dir };
}

/** Runs busybox inside a pod's namespace. */
function inPod(netns: string, ...args: string[]) {
  return run('ip', ['netns', 'exec', netns, 'busybox', ...args], { timeout: 10_000 });
}

test('pods get addresses from the subnet, reach each other and the host over the bridge', async (t) => {
  const { net, pod } = await network(t);
  const a = pod('a');
  const b = pod('b');
  const sa = await net.setup(a);
  const sb = await net.setup(b);
  t.regex(sa.ip, /^10\.214\.\d+\.\d+$/);
  t.not(sa.ip, sb.ip);
  t.not(sa.ip, net.gateway);
  t.is(sa.netnsPath, `/run/netns/${podLinkNames(a.uid).netns}`);

  // a serves, b connects over the bridge; the host reaches a too.
  const server = execFile('ip', ['netns', 'exec', podLinkNames(a.uid).netns, 'busybox', 'nc', '-l', '-p', '7000', '-e', 'echo', 'from-a']);
  t.teardown(() => void server.kill());
  await new Promise((r) => setTimeout(r, 300));
  const { stdout } = await inPod(podLinkNames(b.uid).netns, 'nc', '-w', '3', sa.ip, '7000');
  t.is(stdout.trim(), 'from-a');
  const ping = await run('ping', ['-c', '1', '-W', '2', sa.ip]).catch(async () => inPod(podLinkNames(b.uid).netns, 'ping', '-c', '1', '-W', '2', sa.ip));
  t.regex(ping.stdout, /1 (packets )?received/);

  // The pod's routes: its subnet on eth0 and the default through the bridge's address.
  const routes = (await run('ip', ['-n', podLinkNames(a.uid).netns, 'route'])).stdout;
  t.regex(routes, new RegExp(`default via ${net.gateway.replace(/\./g, '\\.')} dev eth0`));
});

test('setup is idempotent and survives a new adapter instance; teardown removes namespace, links and lease', async (t) => {
  const { net, pod, dir } = await network(t);
  const a = pod('a');
  const first = await net.setup(a);
  const again = await net.setup(a);
  t.is(again.ip, first.ip);
  const restarted = new BridgeNetwork({ ...net.options, stateDir: dir });
  t.is((await restarted.setup(a)).ip, first.ip, 'the lease on disk is found again');
  t.deepEqual(await restarted.leasedPods(), [a.uid]);

  await restarted.teardown(a);
  const names = podLinkNames(a.uid);
  t.false(await linkExists(names.hostVeth));
  await t.throwsAsync(readFile(`/run/netns/${names.netns}`));
  t.deepEqual(await restarted.leasedPods(), []);
  await t.notThrowsAsync(restarted.teardown(a), 'a second teardown is harmless');
});

test('a full subnet says so, and nothing is left behind by the failed setup', async (t) => {
  // A /30: the gateway and one pod address.
  const { net, pod } = await network(t, 30);
  await net.setup(pod('only'));
  const extra = pod('extra');
  const err = await t.throwsAsync(net.setup(extra));
  t.regex(err!.message, /no free address left in the pod subnet 10\.214\.\d+\.0\/30/);
  t.false(await linkExists(podLinkNames(extra.uid).hostVeth));
});

/** The node's neighbour entry for `address` on `bridge`, as `ip neigh show` prints it ('' when none). */
async function neighbour(bridge: string, address: string): Promise<string> {
  return (await run('ip', ['neigh', 'show', address, 'dev', bridge])).stdout.trim();
}

async function macOf(netns: string): Promise<string> {
  const { stdout } = await run('ip', ['-n', netns, '-o', 'link', 'show', 'eth0']);
  return /link\/ether (\S+)/.exec(stdout)![1]!;
}

test('a pod on an address just freed is reached from the node at once: the old neighbour entry goes', async (t) => {
  // A /30 has one pod address, so the second pod must get the first one's.
  const { net, pod } = await network(t, 30);
  const bridge = net.options.bridge;
  // A port that stays on the bridge, as other pods' would: with none the bridge loses its carrier
  // when the first pod goes, and the kernel flushes its neighbour entries by itself.
  const keeper = `crlk${randomInt(1e4, 1e5)}`;
  await run('ip', ['link', 'add', keeper, 'type', 'veth', 'peer', 'name', `${keeper}p`]);
  t.teardown(async () => void (await run('ip', ['link', 'del', keeper]).catch(() => undefined)));
  // A fixed bridge MAC, as on a busy node: a bridge that takes a joining port's lower MAC flushes
  // its neighbour entries, which would hide the stale one at random.
  await run('ip', ['link', 'add', bridge, 'address', '02:00:5e:00:00:02', 'type', 'bridge']);
  await run('ip', ['link', 'set', keeper, 'master', bridge, 'up']);
  await run('ip', ['link', 'set', `${keeper}p`, 'up']);
  const first = pod('first');
  const { ip: address } = await net.setup(first);
  await run('busybox', ['ping', '-c', '1', '-W', '2', address]);
  t.regex(await neighbour(bridge, address), new RegExp(await macOf(podLinkNames(first.uid).netns)));

  await net.teardown(first);
  t.is(await neighbour(bridge, address), '', 'teardown flushes the entry for the released address');

  // An entry the flush missed (another agent's teardown, a packet in flight) still names the old MAC.
  await run('ip', ['neigh', 'replace', address, 'lladdr', '02:00:5e:00:00:01', 'dev', bridge, 'nud', 'reachable']);
  const second = pod('second');
  t.is((await net.setup(second)).ip, address);
  const ping = await run('busybox', ['ping', '-c', '1', '-W', '1', address]).catch((err: { stdout: string }) => err);
  t.regex(ping.stdout, /1 packets received/);
  const mac = await macOf(podLinkNames(second.uid).netns);
  t.regex(await neighbour(bridge, address), new RegExp(`lladdr ${mac}`));
});

test('leases go round-robin after the last one leased, across restarts, wrapping at the end', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-ipam-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // A /29: .1 is the gateway, .2-.6 for pods.
  const range = parseIpv4Cidr('10.214.0.0/29');
  const ipam = new Ipam(dir, range, new Set(['10.214.0.1']));
  t.is(await ipam.lease('a'), '10.214.0.2');
  await ipam.release('a');
  t.is(await ipam.lease('b'), '10.214.0.3', 'the address freed a moment ago waits its turn');
  t.is(await ipam.lease('b'), '10.214.0.3', 'a pod keeps its lease');

  const restarted = new Ipam(dir, range, new Set(['10.214.0.1']));
  t.is(await restarted.lease('c'), '10.214.0.4');
  t.is(await restarted.lease('d'), '10.214.0.5');
  t.is(await restarted.lease('e'), '10.214.0.6');
  // Past the end: back to the start, skipping the gateway and what is taken.
  t.is(await restarted.lease('f'), '10.214.0.2');
  await restarted.release('d');
  t.is(await restarted.lease('g'), '10.214.0.5');
  await t.throwsAsync(restarted.lease('h'), { message: /no free address left in the pod subnet 10\.214\.0\.0\/29/ });
  t.deepEqual(
    [...(await restarted.leases())].sort(),
    [
      ['10.214.0.2', 'f'],
      ['10.214.0.3', 'b'],
      ['10.214.0.4', 'c'],
      ['10.214.0.5', 'g'],
      ['10.214.0.6', 'e'],
    ],
  );
});

test('the CNI config for containerd: bridge + host-local on the node subnet, no NAT', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-cni-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = await writeCniConfig(dir, { bridge: 'corral0', podCIDR: '10.244.7.0/24' });
  const written = JSON.parse(await readFile(path, 'utf8'));
  t.deepEqual(written, cniConfig({ bridge: 'corral0', podCIDR: '10.244.7.0/24' }));
  const [bridge] = written.plugins;
  t.is(bridge.type, 'bridge');
  t.false(bridge.ipMasq);
  t.deepEqual(bridge.ipam.ranges, [[{ subnet: '10.244.7.0/24', gateway: '10.244.7.1' }]]);
});

test('a setup failing part-way names the failed command and leaves no namespace, pair or lease', async (t) => {
  const { net, pod } = await network(t);
  await net.setup(pod('first'));
  // The bridge goes behind the adapter's back: the next pod's batch fails at its third line.
  await run('ip', ['link', 'del', net.options.bridge]);
  const broken = pod('broken');
  const err = await t.throwsAsync(net.setup(broken));
  t.regex(err!.message, /setting up the network of pod default\/broken \(namespace corral-[^,]+, address 10\.214\.\d+\.\d+\): ip .*link set crl\w+ master crltb\d+ up.*: .*(Cannot find device|Device does not exist)/);
  const names = podLinkNames(broken.uid);
  t.false(await linkExists(names.hostVeth));
  await t.throwsAsync(readFile(`/run/netns/${names.netns}`));
  t.false((await net.leasedPods()).includes(broken.uid));
});

test('a setup finishes what an earlier attempt left half-made (a namespace without its pair)', async (t) => {
  const { net, pod } = await network(t);
  const a = pod('a');
  const names = podLinkNames(a.uid);
  await run('ip', ['netns', 'add', names.netns]);
  const { ip: address } = await net.setup(a);
  t.true(await linkExists(names.hostVeth));
  t.regex((await run('ip', ['-n', names.netns, 'address', 'show', 'eth0'])).stdout, new RegExp(`inet ${address.replace(/\./g, '\\.')}/`));
  const ping = await run('busybox', ['ping', '-c', '1', '-W', '2', address]);
  t.regex(ping.stdout, /1 packets received/);
});
