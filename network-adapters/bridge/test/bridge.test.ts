import test from 'ava';
import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { linkExists } from '@corral/core';
import { BridgeNetwork, cniConfig, podLinkNames, writeCniConfig } from '../src/index.js';

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
