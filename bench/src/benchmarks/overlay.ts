// `npm run bench -- overlay [--mb M] [--rounds R] [--no-bridge-nf]` (root): TCP throughput from a pod on node A to a pod on
// node B over the VXLAN overlay, against the same transfer between the two node namespaces over
// their underlay (the baseline, in the same run). Nodes are network namespaces on a bridge of the
// run's own, pods namespaces behind each node's pod bridge, all made by Corral's own code (the
// overlay's Vxlan, the bridge network, pods' MTU from the device); everything is removed after.
// The test underlay's veths get GRO on, as a NIC has by default (both paths cross them).
// Fairness: the same sender and receiver programs for both, the same socket buffer settings in
// all four namespaces (checked), rounds alternating which path goes first, and the median of
// the rounds' own ratios (the machine's other load drifts between rounds, much less within one).
import { execFile, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { BridgeNetwork, podLinkNames } from '@corral/network-bridge';
import { pathOffloads, readOffloads, Vxlan, type Offloads } from '@corral/network-overlay';
import { busyBetween, machineCpu } from '../proxy/machine.js';
import { round } from '../stats.js';
import type { BenchResult } from '../types.js';

const exec = promisify(execFile);
const sh = (cmd: string) => exec('sh', ['-c', cmd]);
const GOAL_RATIO = 0.9;
/** An end busier than this share of a core is what limits the transfer. */
const END_BOUND = 0.9;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// The two ends, small Node programs run inside the namespaces, as cheap as Node allows so the
// path is what is measured: the sender writes one 1 MB buffer again and again, the receiver
// reads into one reused 1 MB buffer (no allocation per read). The receiver connects to the
// sender (so it can choose its read buffer); the data still flows from `from` to `to`.
const CPU = 'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };';
const SENDER = `${CPU} const [port, mb] = process.argv.slice(1); const chunk = Buffer.alloc(1 << 20); const server = require('net').createServer((s) => { server.close(); const t0 = performance.now(); const c0 = cpu(); let left = Number(mb); const pump = () => { while (left > 0) { left--; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); }; s.on('close', () => console.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: cpu() - c0 }))); s.on('error', (e) => { console.error(e.message); process.exit(1); }); pump(); }).listen(Number(port), '0.0.0.0', () => console.log('ready'));`;
const RECEIVER = `${CPU} const [ip, port] = process.argv.slice(1); let bytes = 0, t0 = 0, c0 = 0; const s = require('net').connect({ host: ip, port: Number(port), onread: { buffer: Buffer.allocUnsafe(1 << 20), callback: (n) => { bytes += n; } } }, () => { t0 = performance.now(); c0 = cpu(); }); s.on('end', () => { console.log(JSON.stringify({ bytes, ms: performance.now() - t0, cpuMs: cpu() - c0 })); s.end(); }); s.on('error', (e) => { console.error(e.message); process.exit(1); });`;

interface Transfer {
  mbps: number;
  /** Bytes per packet the receiving node's underlay interface took in: about 64 KB while large sends cross whole (GSO/GRO), about 1.5 KB if something cut them up. */
  bytesPerRxPacket: number;
  /** The machine's CPUs busy during the transfer (0..1). */
  machineBusy: number;
  /** Each end's CPU time over the transfer's time (1 = a whole core), their system calls' kernel work included. */
  senderBusy: number;
  receiverBusy: number;
  /** CPU ms the two ends used per MB. */
  endsCpuMsPerMB: number;
}

/** Bytes and packets an interface has received. */
async function rxCounters(ns: string, link: string): Promise<{ bytes: number; packets: number }> {
  const [l] = JSON.parse((await exec('ip', ['-n', ns, '-s', '-j', 'link', 'show', link])).stdout) as { stats64: { rx: { bytes: number; packets: number } } }[];
  return l!.stats64.rx;
}

/** Where the receiving node's underlay interface is, to count what arrives on it. */
interface Watch {
  ns: string;
  link: string;
}

/** `mb` MiB sent from namespace `from` (listening on `fromIP`) to a receiver in namespace `to`. */
async function transfer(from: string, fromIP: string, to: string, mb: number, watch: Watch): Promise<Transfer> {
  const port = randomInt(20000, 30000);
  const sender = spawn('ip', ['netns', 'exec', from, process.execPath, '-e', SENDER, String(port), String(mb)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: sender.stdout! }).on('line', (l) => lines.push(l));
  const senderDone = new Promise<number | null>((r) => sender.once('exit', (code) => r(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      sender.stdout!.once('data', () => resolve());
      sender.once('exit', (code) => reject(new Error(`the sender in ${from} exited (${code}) before listening`)));
    });
    const rx0 = await rxCounters(watch.ns, watch.link);
    const machine0 = machineCpu();
    const { stdout } = await exec('ip', ['netns', 'exec', to, process.execPath, '-e', RECEIVER, fromIP, String(port)], { timeout: 300_000 });
    const machine1 = machineCpu();
    const rx1 = await rxCounters(watch.ns, watch.link);
    const code = await Promise.race([senderDone, new Promise<string>((r) => setTimeout(() => r('still running'), 5000))]);
    if (code !== 0 || !lines[1]) throw new Error(`the sender in ${from} did not finish cleanly (${code})`);
    const received = JSON.parse(stdout.trim()) as { bytes: number; ms: number; cpuMs: number };
    const sent = JSON.parse(lines[1]) as { ms: number; cpuMs: number };
    if (received.bytes !== mb * 2 ** 20) throw new Error(`${to} received ${received.bytes} bytes of ${mb} MiB`);
    return {
      mbps: round(mb / (received.ms / 1000), 1),
      bytesPerRxPacket: Math.round((rx1.bytes - rx0.bytes) / Math.max(1, rx1.packets - rx0.packets)),
      machineBusy: round(busyBetween(machine0, machine1), 3),
      senderBusy: round(sent.cpuMs / sent.ms, 3),
      receiverBusy: round(received.cpuMs / received.ms, 3),
      endsCpuMsPerMB: round((sent.cpuMs + received.cpuMs) / mb, 2),
    };
  } finally {
    sender.kill();
  }
}

/** An interface's MTU in a namespace. */
async function mtuOf(ns: string, link: string): Promise<number> {
  return (JSON.parse((await exec('ip', ['-n', ns, '-j', 'link', 'show', link])).stdout) as { mtu: number }[])[0]!.mtu;
}

interface End {
  n: { ns: string };
  podNs: string;
  pod: { uid: string };
}

/** The offloads of every interface on the path, sender's pod to receiver's pod, as they were measured under. */
async function pathOffloadsOf(a: End, b: End): Promise<Record<string, Offloads | 'no ethtool'>> {
  const path: [string, string, string][] = [
    ['senderPod eth0', a.podNs, 'eth0'],
    ['senderNode pod veth', a.n.ns, podLinkNames(a.pod.uid).hostVeth],
    ['senderNode corral0', a.n.ns, 'corral0'],
    ['senderNode corral.1', a.n.ns, 'corral.1'],
    ['senderNode u0', a.n.ns, 'u0'],
    ['receiverNode u0', b.n.ns, 'u0'],
    ['receiverNode corral.1', b.n.ns, 'corral.1'],
    ['receiverNode corral0', b.n.ns, 'corral0'],
    ['receiverNode pod veth', b.n.ns, podLinkNames(b.pod.uid).hostVeth],
    ['receiverPod eth0', b.podNs, 'eth0'],
  ];
  const seen = await Promise.all(path.map(async ([, ns, link]) => readOffloads(link, ns)));
  return Object.fromEntries(path.map(([what], i) => [what, seen[i] ? pathOffloads(seen[i]) : 'no ethtool']));
}

const SOCKET_SYSCTLS = ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.core.rmem_max', 'net.core.wmem_max', 'net.ipv4.tcp_congestion_control'];

/** The socket buffer settings, which must be the same in every namespace that runs an end. */
async function socketSettings(namespaces: readonly string[]): Promise<Record<string, string>> {
  const seen = await Promise.all(
    namespaces.map(async (ns) => (await exec('ip', ['netns', 'exec', ns, 'sysctl', '-n', ...SOCKET_SYSCTLS])).stdout.trim().split('\n').map((v) => v.replace(/\s+/g, ' '))),
  );
  for (const [i, values] of seen.entries()) {
    if (values.join() !== seen[0]!.join()) throw new Error(`the socket settings differ between ${namespaces[0]} (${seen[0]!.join('; ')}) and ${namespaces[i]} (${values.join('; ')}): the comparison would not be fair`);
  }
  return Object.fromEntries(SOCKET_SYSCTLS.map((k, i) => [k, seen[0]![i]!]));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : round((s[m - 1]! + s[m]!) / 2, 3);
};

export async function run(args: string[]): Promise<BenchResult> {
  if (process.getuid?.() !== 0) throw new Error('the overlay benchmark needs root (it makes namespaces, bridges and VXLAN devices)');
  // 2 GB a transfer: a second or more even at the underlay's speed, so start-up and scheduling hiccups weigh little.
  const mb = option(args, 'mb', 2000);
  const rounds = option(args, 'rounds', 8);
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
      // Without ethtool it stays off; offloads in the results says so.
      await sh(`ip netns exec ${n.ns} ethtool -K u0 gro on`).catch(() => undefined);
      const vxlan = new Vxlan({ device: 'corral.1', vni: 1, port: 8472, localIP: n.ip, podCIDR: n.podCIDR, nodeNetns: n.ns });
      const mac = await vxlan.ensure();
      // Pods' MTU is the device's, as the overlay plugin sets it.
      const net = new BridgeNetwork({ bridge: 'corral0', podCIDR: n.podCIDR, stateDir: join(dir, `n${i}`), mtu: await vxlan.deviceMtu(), nodeNetns: n.ns });
      const pod = { uid: randomUUID(), namespace: 'bench', name: `p${i}` };
      const status = await net.setup(pod);
      cleanup.push(`ip netns del ${podLinkNames(pod.uid).netns}`);
      ends.push({ n, vxlan, mac, pod, status, podNs: podLinkNames(pod.uid).netns });
    }
    const [a, b] = ends as [(typeof ends)[0], (typeof ends)[0]];
    // What the pod bridges' netfilter hook costs (the bridge network leaves it on): only the overlay path crosses them.
    // The namespace's sysctl, as a bridge's own nf_call_iptables setting only adds to it (Docker turns the sysctl on).
    if (args.includes('--no-bridge-nf')) for (const e of ends) await sh(`ip netns exec ${e.n.ns} sysctl -qw net.bridge.bridge-nf-call-iptables=0`);
    const peer = (e: typeof a) => ({ name: e.n.ns, podCIDR: e.n.podCIDR, underlayIP: e.n.ip, vtepMAC: e.mac });
    await a.vxlan.sync([peer(b)]);
    await b.vxlan.sync([peer(a)]);

    const mtus = {
      underlay: await mtuOf(a.n.ns, 'u0'),
      vxlanDevice: await mtuOf(a.n.ns, 'corral.1'),
      podBridge: await mtuOf(a.n.ns, 'corral0'),
      pod: await mtuOf(a.podNs, 'eth0'),
    };
    const device = (JSON.parse((await exec('ip', ['-n', a.n.ns, '-d', '-j', 'link', 'show', 'corral.1'])).stdout) as { linkinfo: { info_data: Record<string, unknown> } }[])[0]!.linkinfo.info_data;
    const offloads = await pathOffloadsOf(a, b);
    const socket = await socketSettings([a.n.ns, b.n.ns, a.podNs, b.podNs]);
    // Whether frames crossing the pod bridges also pass iptables (br_netfilter), as on a node with Docker.
    const sysctlOn = await exec('ip', ['netns', 'exec', a.n.ns, 'sysctl', '-n', 'net.bridge.bridge-nf-call-iptables']).then((r) => r.stdout.trim() === '1', () => false);
    const bridgeOn = (JSON.parse((await exec('ip', ['-n', a.n.ns, '-d', '-j', 'link', 'show', 'corral0'])).stdout) as { linkinfo?: { info_data?: { nf_call_iptables?: number } } }[])[0]?.linkinfo?.info_data?.nf_call_iptables;
    // Either the namespace's sysctl or the bridge's own setting sends its frames through iptables.
    const bridgeNetfilter = sysctlOn || bridgeOn === 1;
    const watch = { ns: b.n.ns, link: 'u0' };
    const underlayRun = (size = mb) => transfer(a.n.ns, a.n.ip, b.n.ns, size, watch);
    const overlayRun = (size = mb) => transfer(a.podNs, a.status.ip, b.podNs, size, watch);
    // A short transfer each way first, not counted: the first packets resolve neighbours.
    await underlayRun(20);
    await overlayRun(20);
    const underlayRuns: Transfer[] = [];
    const overlayRuns: Transfer[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always runs on a machine the other just warmed or loaded.
      if (i % 2 === 0) {
        underlayRuns.push(await underlayRun());
        overlayRuns.push(await overlayRun());
      } else {
        overlayRuns.push(await overlayRun());
        underlayRuns.push(await underlayRun());
      }
    }
    const underlayMBps = median(underlayRuns.map((x) => x.mbps));
    const overlayMBps = median(overlayRuns.map((x) => x.mbps));
    const roundRatios = overlayRuns.map((o, i) => round(o.mbps / underlayRuns[i]!.mbps, 3));
    const ratio = median(roundRatios);
    // CPU per MB charged to the two ends (their system calls carry most of both kernels' packet work), underlay over overlay.
    const cpuRatios = overlayRuns.map((o, i) => round(underlayRuns[i]!.endsCpuMsPerMB / o.endsCpuMsPerMB, 3));
    const endsCpuRatio = median(cpuRatios);
    const bound = (xs: Transfer[]) => ({
      sender: xs.filter((x) => x.senderBusy >= END_BOUND).length,
      receiver: xs.filter((x) => x.receiverBusy >= END_BOUND).length,
    });
    const endsBound = { underlay: bound(underlayRuns), overlay: bound(overlayRuns) };
    const busy = Math.min(...[...underlayRuns, ...overlayRuns].map((x) => x.machineBusy));
    // TCP payload per full packet (20 bytes of IPv4, 32 of TCP with timestamps): the most the overlay can carry relative to the underlay.
    const payloadRatio = round((mtus.pod - 52) / (mtus.underlay - 52), 3);
    return {
      name: 'overlay',
      results: {
        mb,
        rounds,
        underlayMBps,
        overlayMBps,
        ratio,
        roundRatios,
        endsCpuRatio,
        cpuRatios,
        endsBound,
        mtus,
        payloadRatio,
        vxlanDevice: device,
        offloads,
        bytesPerRxPacket: { underlay: median(underlayRuns.map((x) => x.bytesPerRxPacket)), overlay: median(overlayRuns.map((x) => x.bytesPerRxPacket)) },
        socket,
        bridgeNetfilter,
        underlay: underlayRuns,
        overlay: overlayRuns,
        cores: cpus().length,
        loadAverage: round(loadavg()[0]!, 2),
        limits:
          `pods' MTU ${mtus.pod} (the VXLAN device's ${mtus.vxlanDevice}) against the underlay's ${mtus.underlay}, so a full overlay packet carries ${Math.round(payloadRatio * 100)}% of an underlay packet's payload; ` +
          `sender, receiver and the kernels' packet work share ${cpus().length} cores with everything else on the machine (load average ${round(loadavg()[0]!, 2)}), which were at least ${Math.round(busy * 100)}% busy during every transfer: the figures are CPU-bound, and the overlay's extra work per packet (a veth and a bridge more on each side, a route lookup and forward on each node, encapsulation, and the VXLAN device's receive queue), on the data and on the ACKs, costs throughput directly. ` +
          `endsCpuRatio compares the CPU per MB charged to the two ends; endsBound counts the rounds in which an end kept ${END_BOUND * 100}% of a core busy (the end, not the path, limited those). ` +
          `bytesPerRxPacket near 64 KB on both paths says large sends crossed whole (GSO on the way out, no cutting up on the way); offloads is every interface's state on the path. ` +
          `Both nodes' kernels run on this one machine, so the overlay's extra work on the sending node and on the receiving node is paid on the same cores, mostly by the sender's (veths hand packets on in the sender's context): between real machines each node pays only its own half.`,
      },
      targets: [{ what: 'pod-to-pod TCP MB/s across nodes over VXLAN vs the underlay (median of the rounds\' ratios)', value: overlayMBps, baseline: underlayMBps, ratio, target: `>= ${GOAL_RATIO * 100}% of the underlay`, met: ratio >= GOAL_RATIO }],
    };
  } finally {
    for (const cmd of cleanup.reverse()) await sh(cmd).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
