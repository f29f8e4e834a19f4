import test from 'ava';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { parseOffloads, pathOffloads, readOffloads, underlayAdvice, Vxlan } from '../src/index.js';

const sh = (cmd: string) => promisify(execFile)('sh', ['-c', cmd]);

test('ethtool -k output is read as feature -> on, "[fixed]" notes dropped', (t) => {
  const text = ['Features for u0:', 'rx-checksumming: on', 'generic-receive-offload: off', 'large-receive-offload: off [fixed]', '\ttx-udp_tnl-segmentation: on', 'tx-checksumming: on', '\ttx-checksum-ipv4: off [fixed]'].join('\n');
  const features = parseOffloads(text);
  t.deepEqual(features, { 'rx-checksumming': true, 'generic-receive-offload': false, 'large-receive-offload': false, 'tx-udp_tnl-segmentation': true, 'tx-checksumming': true, 'tx-checksum-ipv4': false });
  t.deepEqual(pathOffloads(features), { 'generic-receive-offload': false, 'tx-checksumming': true, 'rx-checksumming': true, 'tx-udp_tnl-segmentation': true });
});

test('advice: tunnel segmentation off always counts; GRO off only on a NIC', (t) => {
  const all = { 'tx-udp_tnl-segmentation': true, 'generic-receive-offload': true };
  t.deepEqual(underlayAdvice('eth0', all, false), []);
  t.deepEqual(underlayAdvice('u0', { ...all, 'generic-receive-offload': false }, true), []);
  t.regex(underlayAdvice('eth0', { ...all, 'generic-receive-offload': false }, false).join(), /eth0 has GRO off.*ethtool -K eth0 gro on/);
  const noTnl = underlayAdvice('eth0', { ...all, 'tx-udp_tnl-segmentation': false }, false);
  t.is(noTnl.length, 1);
  t.regex(noTnl[0]!, /eth0 cannot segment VXLAN packets \(tx-udp_tnl-segmentation off\)/);
});

test('the underlay interface\'s offloads are read in the node\'s namespace, and what it lacks is said', async (t) => {
  const ns = `crlt-vxoff-${randomInt(1000, 10000)}`;
  const underlayIP = `10.216.${randomInt(1, 250)}.1`;
  t.teardown(() => sh(`ip netns del ${ns}`).catch(() => undefined));
  await sh(`ip netns add ${ns} && ip -n ${ns} link add u0 type veth peer name u0p && ip -n ${ns} addr add ${underlayIP}/24 dev u0 && ip -n ${ns} link set u0 up && ip -n ${ns} link set u0p up`);
  const vxlan = new Vxlan({ device: 'crl.vx', vni: 5, port: 8472, localIP: underlayIP, podCIDR: '10.215.3.0/24', nodeNetns: ns });
  // A veth: GRO off by default, which costs nothing there; tunnel segmentation on.
  const features = await readOffloads('u0', ns);
  t.like(features, { 'tx-udp_tnl-segmentation': true, 'generic-receive-offload': false });
  t.deepEqual(await vxlan.underlayAdvice(), []);
  await sh(`ip netns exec ${ns} ethtool -K u0 tx-udp_tnl-segmentation off`);
  t.regex((await vxlan.underlayAdvice()).join(), /u0 cannot segment VXLAN packets/);
  await t.throwsAsync(readOffloads('nosuchlink', ns), { message: /ethtool -k nosuchlink in crlt-vxoff-\d+/ });
});
