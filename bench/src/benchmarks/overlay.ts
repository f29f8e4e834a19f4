// `npm run bench -- overlay [--mb M]` (root): TCP throughput from a pod on node A to a pod on
// node B over the VXLAN overlay, against the same transfer between the two node namespaces over
// their underlay (the baseline, in the same run). Nodes are network namespaces on a bridge of the
// run's own, pods namespaces behind each node's pod bridge; everything is removed after.
import { execFile, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BridgeNetwork, podLinkNames } from '@corral/network-bridge';
import { Vxlan } from '@corral/network-overlay';
import { round } from '../stats.js';
import type { BenchResult } from '../types.js';

const exec = promisify(execFile);
const sh = (cmd: string) => exec('sh', ['-c', cmd]);
const GOAL_RATIO = 0.9;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// The two ends of a transfer, as small Node scripts run inside the namespaces.
const RECEIVER = `require('net').createServer((s) => { s.on('data', () => {}); s.on('end', () => process.exit(0)); }).listen(Number(process.argv[1]), '0.0.0.0', () => console.log('ready'));`;
const SENDER = `const [ip, port, mb] = process.argv.slice(1); const chunk = Buffer.alloc(1 << 20); const s = require('net').connect(Number(port), ip, () => { const t0 = performance.now(); let left = Number(mb); const pump = () => { while (left > 0) { left--; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); }; s.on('close', () => { console.log(performance.now() - t0); }); pump(); }); s.on('error', (e) => { console.error(e.message); process.exit(1); });`;

/** MB/s of `mb` megabytes sent from namespace `from` to `to`'s address `ip`. */
async function transfer(from: string, to: string, ip: string, mb: number): Promise<number> {
  const port = randomInt(20000, 30000);
  const receiver = spawn('ip', ['netns', 'exec', to, process.execPath, '-e', RECEIVER, String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    receiver.stdout!.once('data', () => resolve());
    receiver.once('exit', (code) => reject(new Error(`the receiver in ${to} exited (${code})`)));
  });
  const { stdout } = await exec('ip', ['netns', 'exec', from, process.execPath, '-e', SENDER, ip, String(port), String(mb)], { timeout: 120_000 });
  receiver.kill();
  const ms = Number(stdout.trim());
  return round(mb / (ms / 1000), 1);
}

export async function run(args: string[]): Promise<BenchResult> {
  if (process.getuid?.() !== 0) throw new Error('the overlay benchmark needs root (it makes namespaces, bridges and VXLAN devices)');
  const mb = option(args, 'mb', 300);
  const rounds = option(args, 'rounds', 3);
  const id = randomInt(1000, 10000);
  const r = randomInt(1, 250);
  const underlay = `crlb${id}`;
  const dir = await mkdtemp(join(tmpdir(), 'corral-bench-overlay-'));
  const cleanup: string[] = [];
  try {
    await sh(`ip link add ${underlay} type bridge && ip link set ${underlay} up`);
    cleanup.push(`ip link del ${underlay}`);
    const nodes = [1, 2].map((i) => ({ ns: `crlb-n${i}-${id}`, veth: `crlb${id}v${i}`, ip: `10.223.${r}.${i}`, podCIDR: `10.224.${(r + i) % 250}.0/24` }));
    const ends = [];
    for (const [i, n] of nodes.entries()) {
      await sh(`ip netns add ${n.ns}`);
      cleanup.push(`ip netns del ${n.ns}`);
      await sh(`ip link add ${n.veth} type veth peer name ${n.veth}p && ip link set ${n.veth}p netns ${n.ns} && ip -n ${n.ns} link set ${n.veth}p name u0 && ip link set ${n.veth} master ${underlay} up`);
      await sh(`ip -n ${n.ns} addr add ${n.ip}/24 dev u0 && ip -n ${n.ns} link set u0 up && ip -n ${n.ns} link set lo up`);
      const vxlan = new Vxlan({ device: 'corral.1', vni: 1, port: 8472, localIP: n.ip, podCIDR: n.podCIDR, nodeNetns: n.ns });
      const mac = await vxlan.ensure();
      const net = new BridgeNetwork({ bridge: 'corral0', podCIDR: n.podCIDR, stateDir: join(dir, `n${i}`), mtu: 1450, nodeNetns: n.ns });
      const pod = { uid: randomUUID(), namespace: 'bench', name: `p${i}` };
      const status = await net.setup(pod);
      cleanup.push(`ip netns del ${podLinkNames(pod.uid).netns}`);
      ends.push({ n, vxlan, mac, pod, status });
    }
    const [a, b] = ends as [(typeof ends)[0], (typeof ends)[0]];
    const peer = (e: typeof a) => ({ name: e.n.ns, podCIDR: e.n.podCIDR, underlayIP: e.n.ip, vtepMAC: e.mac });
    await a.vxlan.sync([peer(b)]);
    await b.vxlan.sync([peer(a)]);

    const underlayRates: number[] = [];
    const overlayRates: number[] = [];
    for (let i = 0; i < rounds; i++) {
      underlayRates.push(await transfer(a.n.ns, b.n.ns, b.n.ip, mb));
      overlayRates.push(await transfer(podLinkNames(a.pod.uid).netns, podLinkNames(b.pod.uid).netns, b.status.ip, mb));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const underlayMBps = median(underlayRates);
    const overlayMBps = median(overlayRates);
    return {
      name: 'overlay',
      results: { mb, rounds, underlayMBps, overlayMBps, ratio: round(overlayMBps / underlayMBps, 3), underlayRates, overlayRates },
      targets: [{ what: 'pod-to-pod TCP MB/s across nodes over VXLAN vs the underlay', value: overlayMBps, baseline: underlayMBps, goal: `>= ${GOAL_RATIO * 100}% of the underlay`, met: overlayMBps >= GOAL_RATIO * underlayMBps }],
    };
  } finally {
    for (const cmd of cleanup.reverse()) await sh(cmd).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
