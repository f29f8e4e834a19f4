// `npm run bench -- overlay [--mb M] [--rounds R]` (root): TCP throughput from a pod on node A to a pod on
// node B over the VXLAN overlay, against the same transfer between the two node namespaces over
// their underlay (the baseline, in the same run). Nodes are network namespaces on a bridge of the
// run's own, pods namespaces behind each node's pod bridge; everything is removed after.
// The result says what limits the figures: the MTUs (a VXLAN packet carries 50 bytes less), and
// the CPU: sender, receiver and both kernels' packet work share the machine's cores.
import { execFile, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { BridgeNetwork, podLinkNames } from '@corral/network-bridge';
import { Vxlan, VXLAN_OVERHEAD } from '@corral/network-overlay';
import { busyBetween, machineCpu } from '../proxy/machine.js';
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
const RECEIVER = `const cpu = () => { const u = process.cpuUsage(); return Math.round((u.user + u.system) / 1000); }; require('net').createServer((s) => { s.on('data', () => {}); s.on('end', () => { console.log(cpu()); process.exit(0); }); }).listen(Number(process.argv[1]), '0.0.0.0', () => console.log('ready'));`;
const SENDER = `const [ip, port, mb] = process.argv.slice(1); const chunk = Buffer.alloc(1 << 20); const s = require('net').connect(Number(port), ip, () => { const t0 = performance.now(); const c0 = process.cpuUsage(); let left = Number(mb); const pump = () => { while (left > 0) { left--; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); }; s.on('close', () => { const c = process.cpuUsage(c0); console.log(JSON.stringify({ ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 })); }); pump(); }); s.on('error', (e) => { console.error(e.message); process.exit(1); });`;

interface Transfer {
  mbps: number;
  /** The machine's CPUs busy during the transfer (0..1). */
  machineBusy: number;
  /** CPU ms the two Node processes used per MB (their system calls' copies included). */
  endsCpuMsPerMB: number;
}

/** `mb` megabytes sent from namespace `from` to `to`'s address `ip`. */
async function transfer(from: string, to: string, ip: string, mb: number): Promise<Transfer> {
  const port = randomInt(20000, 30000);
  const receiver = spawn('ip', ['netns', 'exec', to, process.execPath, '-e', RECEIVER, String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines: string[] = [];
  createInterface({ input: receiver.stdout! }).on('line', (l) => lines.push(l));
  const receiverDone = new Promise<void>((r) => receiver.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    receiver.stdout!.once('data', () => resolve());
    receiver.once('exit', (code) => reject(new Error(`the receiver in ${to} exited (${code})`)));
  });
  const machine0 = machineCpu();
  const { stdout } = await exec('ip', ['netns', 'exec', from, process.execPath, '-e', SENDER, ip, String(port), String(mb)], { timeout: 120_000 });
  const machine1 = machineCpu();
  await Promise.race([receiverDone, new Promise((r) => setTimeout(r, 2000))]);
  receiver.kill();
  const sent = JSON.parse(stdout.trim()) as { ms: number; cpuMs: number };
  const receiverCpuMs = Number(lines[1] ?? NaN);
  return {
    mbps: round(mb / (sent.ms / 1000), 1),
    machineBusy: round(busyBetween(machine0, machine1), 3),
    endsCpuMsPerMB: round((sent.cpuMs + receiverCpuMs) / mb, 2),
  };
}

/** An interface's MTU in a namespace. */
async function mtuOf(ns: string, link: string): Promise<number> {
  return (JSON.parse((await exec('ip', ['-n', ns, '-j', 'link', 'show', link])).stdout) as { mtu: number }[])[0]!.mtu;
}

export async function run(args: string[]): Promise<BenchResult> {
  if (process.getuid?.() !== 0) throw new Error('the overlay benchmark needs root (it makes namespaces, bridges and VXLAN devices)');
  const mb = option(args, 'mb', 200);
  const rounds = option(args, 'rounds', 5);
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
      // Pods' MTU matches the VXLAN device's: the underlay's less the encapsulation.
      const mtu = (await vxlan.underlay()).mtu - VXLAN_OVERHEAD;
      const net = new BridgeNetwork({ bridge: 'corral0', podCIDR: n.podCIDR, stateDir: join(dir, `n${i}`), mtu, nodeNetns: n.ns });
      const pod = { uid: randomUUID(), namespace: 'bench', name: `p${i}` };
      const status = await net.setup(pod);
      cleanup.push(`ip netns del ${podLinkNames(pod.uid).netns}`);
      ends.push({ n, vxlan, mac, pod, status });
    }
    const [a, b] = ends as [(typeof ends)[0], (typeof ends)[0]];
    const peer = (e: typeof a) => ({ name: e.n.ns, podCIDR: e.n.podCIDR, underlayIP: e.n.ip, vtepMAC: e.mac });
    await a.vxlan.sync([peer(b)]);
    await b.vxlan.sync([peer(a)]);

    const mtus = {
      underlay: await mtuOf(a.n.ns, 'u0'),
      vxlanDevice: await mtuOf(a.n.ns, 'corral.1'),
      podBridge: await mtuOf(a.n.ns, 'corral0'),
      pod: await mtuOf(podLinkNames(a.pod.uid).netns, 'eth0'),
    };
    const underlayRuns: Transfer[] = [];
    const overlayRuns: Transfer[] = [];
    for (let i = 0; i < rounds; i++) {
      underlayRuns.push(await transfer(a.n.ns, b.n.ns, b.n.ip, mb));
      overlayRuns.push(await transfer(podLinkNames(a.pod.uid).netns, podLinkNames(b.pod.uid).netns, b.status.ip, mb));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const underlayMBps = median(underlayRuns.map((x) => x.mbps));
    const overlayMBps = median(overlayRuns.map((x) => x.mbps));
    // Each round's overlay run against the underlay run just before it: the machine's other load
    // drifts between rounds, much less within one.
    const roundRatios = overlayRuns.map((o, i) => round(o.mbps / underlayRuns[i]!.mbps, 3)).sort((x, y) => x - y);
    const ratio = median(roundRatios);
    // CPU per MB charged to the two ends (their system calls carry most of both kernels' work), overlay against underlay.
    const meanCpu = (xs: Transfer[]) => xs.reduce((a, x) => a + x.endsCpuMsPerMB, 0) / xs.length;
    const endsCpuRatio = round(meanCpu(underlayRuns) / meanCpu(overlayRuns), 3);
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
        mtus,
        payloadRatio,
        underlay: underlayRuns,
        overlay: overlayRuns,
        cores: cpus().length,
        loadAverage: round(loadavg()[0]!, 2),
        limits:
          `pods' MTU ${mtus.pod} (the VXLAN device's ${mtus.vxlanDevice}) against the underlay's ${mtus.underlay}, so a full overlay packet carries ${Math.round(payloadRatio * 100)}% of an underlay packet's payload; ` +
          `sender, receiver and the kernels' packet work share ${cpus().length} cores with everything else on the machine (load average ${round(loadavg()[0]!, 2)}), which were at least ${Math.round(busy * 100)}% busy during every transfer: the figures are CPU-bound, and the overlay's extra per-packet work (encapsulation, a second bridge and route on each side, more hand-offs to softirq processing, which waits its turn on a busy machine) costs throughput directly. endsCpuRatio compares the CPU per MB charged to the two ends.`,
      },
      targets: [{ what: 'pod-to-pod TCP MB/s across nodes over VXLAN vs the underlay (median of the rounds\' ratios)', value: overlayMBps, baseline: underlayMBps, ratio, target: `>= ${GOAL_RATIO * 100}% of the underlay`, met: ratio >= GOAL_RATIO }],
    };
  } finally {
    for (const cmd of cleanup.reverse()) await sh(cmd).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
