import test from 'ava';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { ensureForwardAccept, removeForwardAccept } from '../../src/net/forward.js';
import { ip } from '../../src/net/ip.js';

// A node whose firewall drops forwarded traffic by default (what Docker leaves behind), with two
// pods on its bridge and a third network routed through it: the accept chain is what lets them
// talk, and removing it cuts them off again.

const tag = randomBytes(3).toString('hex');
const node = `crlfw${tag}-n`;
const pods = { a: `crlfw${tag}-a`, b: `crlfw${tag}-b`, c: `crlfw${tag}-c` };
const net = randomInt(200, 250);
const addr = { a: `10.${net}.7.2`, b: `10.${net}.7.3`, c: `10.${net}.8.2` };
const rules = { chain: `CRLFWD-T${tag}`, interfaces: ['br0'], netns: node, comment: 'corral forwarding test' };

function inNetns(ns: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, ...args], (err, stdout, stderr) => resolve({ code: err ? ((err.code as number) ?? 1) : 0, out: stdout + stderr }));
  });
}

const reaches = async (from: string, to: string) => (await inNetns(from, ['busybox', 'ping', '-c', '1', '-W', '1', to])).code === 0;

test.before(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test makes network namespaces and firewall rules: run it as root');
  await ip(['netns', 'add', node]);
  for (const ns of Object.values(pods)) await ip(['netns', 'add', ns]);
  await ip(['-n', node, 'link', 'add', 'br0', 'type', 'bridge']);
  await ip(['-n', node, 'link', 'set', 'br0', 'up']);
  await ip(['-n', node, 'address', 'add', `10.${net}.7.1/24`, 'dev', 'br0']);
  for (const key of ['a', 'b', 'c'] as const) {
    await ip(['-n', node, 'link', 'add', `v${key}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pods[key]]);
    await ip(['-n', pods[key], 'link', 'set', 'eth0', 'up']);
    await ip(['-n', pods[key], 'link', 'set', 'lo', 'up']);
    await ip(['-n', pods[key], 'address', 'add', `${addr[key]}/24`, 'dev', 'eth0']);
  }
  await ip(['-n', node, 'link', 'set', 'va', 'master', 'br0', 'up']);
  await ip(['-n', node, 'link', 'set', 'vb', 'master', 'br0', 'up']);
  // Network c is beside the bridge: reaching it is routing, not bridging.
  await ip(['-n', node, 'address', 'add', `10.${net}.8.1/24`, 'dev', 'vc']);
  await ip(['-n', node, 'link', 'set', 'vc', 'up']);
  await ip(['-n', pods.a, 'route', 'add', 'default', 'via', `10.${net}.7.1`]);
  await ip(['-n', pods.c, 'route', 'add', 'default', 'via', `10.${net}.8.1`]);
  await inNetns(node, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await inNetns(node, ['iptables', '-w', '-P', 'FORWARD', 'DROP']);
});

test.after.always(async () => {
  for (const ns of [node, ...Object.values(pods)]) await ip(['netns', 'del', ns]).catch(() => undefined);
});

test('with FORWARD dropping, the accept chain lets bridged and routed pod traffic through; removed, it no longer does', async (t) => {
  const bridged = (await inNetns(node, ['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables'])).out.trim();
  t.is(bridged, '1', 'br_netfilter passes bridged frames to iptables in the node namespace (the case this is for)');
  t.false(await reaches(pods.a, addr.b), 'bridged: dropped before the chain exists');
  t.false(await reaches(pods.a, addr.c), 'routed: dropped before the chain exists');

  await ensureForwardAccept(rules);
  t.true(await reaches(pods.a, addr.b), 'bridged: pod a reaches pod b');
  t.true(await reaches(pods.a, addr.c), 'routed: pod a reaches network c');

  // A second call brings the chain up to date instead of adding to it.
  await ensureForwardAccept({ ...rules, interfaces: ['br0', 'vc'] });
  const listed = (await inNetns(node, ['iptables', '-w', '-S'])).out.split('\n');
  t.deepEqual(listed.filter((l) => l.includes(rules.chain)).sort(), [
    `-A ${rules.chain} -i br0 -j ACCEPT`,
    `-A ${rules.chain} -i vc -j ACCEPT`,
    `-A ${rules.chain} -o br0 -j ACCEPT`,
    `-A ${rules.chain} -o vc -j ACCEPT`,
    `-A FORWARD -m comment --comment "${rules.comment}" -j ${rules.chain}`,
    `-N ${rules.chain}`,
  ].sort());

  await removeForwardAccept(rules);
  t.false((await inNetns(node, ['iptables', '-w', '-S'])).out.includes(rules.chain), 'the jump and the chain are gone');
  t.false(await reaches(pods.a, addr.b), 'bridged: dropped again');
  await removeForwardAccept(rules); // already gone: no error
});

test('a chain name iptables would refuse is an error that names it', async (t) => {
  await t.throwsAsync(ensureForwardAccept({ ...rules, chain: 'CORRAL-FORWARD-WITH-A-NAME-TOO-LONG' }), { message: /CORRAL-FORWARD-WITH-A-NAME-TOO-LONG.*at most 28/ });
});
