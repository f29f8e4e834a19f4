// `npm run bench -- proxy [--seconds S] [--rounds R] [--concurrency C] [--no-pin] [--one-source]`:
// HTTP requests per second and p99 latency to a Service with two pods (small HTTP servers, each
// a process of its own; as root each in a network namespace behind a bridge), from C concurrent
// clients (a generator process of its own): direct to the pods (the baseline, in the same run),
// through the userspace proxy (in this process) and, as root, through iptables DNAT. Two client
// shapes: keep-alive connections and a new connection per request (the seed measured the old
// userspace kube-proxy at 288 req/s against 6,253 direct). After a warm-up of every path, each
// proxied path is measured in blocks of four runs with direct runs of its own, in ABBA order,
// each block after a short warm-up run of its path (see ../proxy/schedule.ts). (A full garbage
// collection in every process before each run was tried and dropped: the pods then spent about
// four times the CPU per request, in every path.) As root each path's clients come from
// an address of their own: with a new connection per request the pods keep each connection in
// TIME_WAIT for a minute and conntrack keeps it for two, and from one shared address a DNATed
// connection whose reply tuple is still held by an earlier direct connection (or the other way
// round) has its source port rewritten and may meet a pod's TIME_WAIT: each run would pay for
// the runs before it, whatever its path. --one-source measures the old way.
// Placement: the generator has a core of its own, as a client on another machine would, and the
// pods and the proxy share the other one, as on a node, where the proxy's CPU time is taken from
// the pods'. Every path runs with the same placement. --no-pin lets everything share every core
// (then the generator competes with what it measures). Each path's row also says what limited
// it: the CPU time per request of the generator, the pods and the proxy, and how busy the
// machine was.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { randomInt } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ServiceTable } from '@corral/core';
import { IptablesProxy } from '@corral/network-iptables';
import { UserspaceProxy, userspaceOptions } from '@corral/network-userspace';
import { busyBetween, machineCpu, processCpuMs } from '../proxy/machine.js';
import { startPods, type Pods } from '../proxy/pods.js';
import { blockRatio, median, pairedSchedule, spread } from '../proxy/schedule.js';
import { round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOALS: Record<string, { keepAlive: number; newConnectionPerRequest: number }> = {
  userspace: { keepAlive: 0.9, newConnectionPerRequest: 0.85 },
  iptables: { keepAlive: 0.97, newConnectionPerRequest: 0.97 },
};
/** Between runs: sockets of the last run finish closing before the next one starts. */
const SETTLE_MS = 250;

interface LoadResult {
  rps: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests that waited for a retransmitted SYN (over 0.9 s). */
  stalled: number;
  /** CPU time per request in µs: the generator, the pods, this process (the userspace proxy). */
  cpuPerRequestUs: { generator: number; backends: number; proxyProcess: number };
  /** The machine's CPUs busy during the run (0..1), whoever used them. */
  machineBusy: number;
}

type Target = { host: string; port: number };

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The load generator: one process for the whole benchmark, one run per request line. */
class Generator {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(cpu?: number): Promise<Generator> {
    const argv = [process.execPath, join(here, '..', 'proxy', 'load.js')];
    const command = cpu === undefined ? argv : ['taskset', '-c', String(cpu), ...argv];
    const proc = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    const rl: Interface = createInterface({ input: proc.stdout! });
    const g = new Generator(proc, rl[Symbol.asyncIterator]());
    await g.next();
    return g;
  }

  async run(
    targets: Target[],
    seconds: number,
    concurrency: number,
    keepAlive: boolean,
    source: string | undefined,
  ): Promise<{ rps: number; requests: number; errors: number; p50: number; p99: number; max: number; stalled: number; cpuMs: number }> {
    this.proc.stdin!.write(JSON.stringify({ targets, seconds, concurrency, keepAlive, source }) + '\n');
    return JSON.parse(await this.next());
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.stdin!.end();
    this.proc.kill();
    await once(this.proc, 'exit');
  }

  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error(`the load generator exited (${this.proc.exitCode}) before answering`);
    return r.value;
  }
}

interface Path {
  targets: Target[];
  /** The clients' address (see Pods.clientAddresses). */
  source?: string;
}

async function measure(gen: Generator, pods: Pods, path: Path, seconds: number, concurrency: number, keepAlive: boolean): Promise<LoadResult> {
  const podCpu = () => pods.pids.reduce((a, pid) => a + processCpuMs(pid), 0);
  const pods0 = podCpu();
  const self0 = process.cpuUsage();
  const machine0 = machineCpu();
  const line = await gen.run(path.targets, seconds, concurrency, keepAlive, path.source);
  const self = process.cpuUsage(self0);
  const machine1 = machineCpu();
  const pods1 = podCpu();
  const perRequest = (ms: number) => round((ms * 1000) / Math.max(1, line.requests), 1);
  return {
    rps: line.rps,
    requests: line.requests,
    errors: line.errors,
    p50: line.p50,
    p99: line.p99,
    max: line.max,
    stalled: line.stalled,
    cpuPerRequestUs: { generator: perRequest(line.cpuMs), backends: perRequest(pods1 - pods0), proxyProcess: perRequest((self.user + self.system) / 1000) },
    machineBusy: round(busyBetween(machine0, machine1), 3),
  };
}

function table(clusterIP: string, port: number, endpoints: { ip: string; port: number }[]): ServiceTable {
  return {
    services: [
      {
        namespace: 'bench',
        name: 'web',
        clusterIP,
        sessionAffinity: 'None',
        ports: [{ protocol: 'TCP', port, backends: endpoints.map((e) => ({ ...e, ready: true })) }],
      },
    ],
  };
}

/** The mean of a path's runs, with the sum of requests and errors and the worst p99. */
function mean(xs: LoadResult[]): LoadResult {
  const avg = (ys: number[], digits: number) => round(ys.reduce((a, y) => a + y, 0) / ys.length, digits);
  return {
    rps: avg(xs.map((x) => x.rps), 0),
    requests: xs.reduce((a, x) => a + x.requests, 0),
    errors: xs.reduce((a, x) => a + x.errors, 0),
    p50: avg(xs.map((x) => x.p50), 3),
    p99: round(Math.max(...xs.map((x) => x.p99)), 3),
    max: round(Math.max(...xs.map((x) => x.max)), 3),
    stalled: xs.reduce((a, x) => a + x.stalled, 0),
    cpuPerRequestUs: {
      generator: avg(xs.map((x) => x.cpuPerRequestUs.generator), 1),
      backends: avg(xs.map((x) => x.cpuPerRequestUs.backends), 1),
      proxyProcess: avg(xs.map((x) => x.cpuPerRequestUs.proxyProcess), 1),
    },
    machineBusy: avg(xs.map((x) => x.machineBusy), 3),
  };
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = option(args, 'seconds', 8);
  const concurrency = option(args, 'concurrency', 50);
  // Short runs in ABBA blocks with direct ones: the machine's other load drifts.
  const rounds = option(args, 'rounds', 4);
  const root = process.getuid?.() === 0;
  const pinned = !args.includes('--no-pin') && cpus().length >= 2;
  // --one-source: every path's clients use the route's address, the method before each path had one of its own.
  const ownSources = !args.includes('--one-source');
  if (pinned) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const pods = await startPods({ root, ...(pinned ? { cpu: 1 } : {}) });
  const results: Record<string, unknown> = {
    seconds,
    rounds,
    concurrency,
    pods: pods.endpoints.length,
    podPath: pods.path,
    pinned,
    cores: cpus().length,
    loadAverageAtStart: round(loadavg()[0]!, 2),
  };
  const targets: BenchTarget[] = [];
  const paths: { name: string; targets: Target[]; close: () => Promise<void> }[] = [];
  let gen: Generator | undefined;
  try {
    gen = await Generator.start(pinned ? 0 : undefined);
    const id = randomInt(1000, 100000);
    // As root the ClusterIPs are in a range of the benchmark's own, routed into its bridge; the
    // userspace proxy holds its ClusterIP on an interface of its own, as it does on a node.
    const userspaceIP = pods.serviceRange ? pods.serviceRange.replace(/0\/24$/, '10') : '127.0.0.2';
    const userspace = new UserspaceProxy({ ...userspaceOptions({ serviceInterface: pods.serviceRange ? `crlpx${id}s` : '' }), onError: () => undefined });
    paths.push({ name: 'userspace', targets: [{ host: userspaceIP, port: 80 }], close: () => userspace.close() });
    await userspace.sync(table(userspaceIP, 80, pods.endpoints));
    if (root) {
      const iptablesIP = pods.serviceRange ? pods.serviceRange.replace(/0\/24$/, '11') : '127.0.0.3';
      const iptables = new IptablesProxy({ prefix: `CB${randomInt(1000, 10000)}-`, fullSyncIntervalMs: 3_600_000 });
      paths.push({ name: 'iptables', targets: [{ host: iptablesIP, port: 80 }], close: () => iptables.close() });
      await iptables.sync(table(iptablesIP, 80, pods.endpoints));
    } else {
      results.iptables = 'skipped: needs root';
    }
    const names = ['direct', ...paths.map((p) => p.name)];
    const targetsOf = new Map<string, Target[]>([['direct', pods.endpoints.map((e) => ({ host: e.ip, port: e.port }))], ...paths.map((p) => [p.name, p.targets] as const)]);
    const sourceOf = (i: number) => (ownSources ? pods.clientAddresses?.[i] : undefined);
    const all = new Map<string, Path>(names.map((name, i) => [name, { targets: targetsOf.get(name)!, source: sourceOf(i) }]));
    results.clientAddresses = Object.fromEntries(names.map((name, i) => [name, sourceOf(i) ?? 'the route\'s']));
    // Each path's proxied runs add up to `seconds` per shape: two runs per block.
    const runSeconds = seconds / (2 * rounds);
    const blocks = pairedSchedule(paths.map((p) => p.name), rounds);
    for (const keepAlive of [true, false]) {
      const shape = keepAlive ? 'keepAlive' : 'newConnectionPerRequest';
      // Warm-up: every path once, in this shape, not counted.
      for (const t of all.values()) {
        await sleep(SETTLE_MS);
        await measure(gen, pods, t, 1, concurrency, keepAlive);
      }
      const measured: { block: (typeof blocks)[number]; runs: LoadResult[] }[] = [];
      for (const block of blocks) {
        // The block's first run follows a run of its own path, as its others do.
        await sleep(SETTLE_MS);
        await measure(gen, pods, all.get(block.path)!, runSeconds / 2, concurrency, keepAlive);
        const runs: LoadResult[] = [];
        for (const name of block.runs) {
          await sleep(SETTLE_MS);
          runs.push(await measure(gen, pods, all.get(name)!, runSeconds, concurrency, keepAlive));
        }
        measured.push({ block, runs });
      }
      const runsOf = (path: string, side: string) => measured.filter((m) => m.block.path === path).flatMap((m) => m.runs.filter((_, i) => m.block.runs[i] === side));
      const allDirect = measured.flatMap((m) => m.runs.filter((_, i) => m.block.runs[i] === 'direct'));
      const direct = mean(allDirect);
      const row: Record<string, unknown> = { direct: { ...direct, runsRps: allDirect.map((x) => x.rps) } };
      for (const p of paths) {
        const through = mean(runsOf(p.name, p.name));
        const pairedDirect = mean(runsOf(p.name, 'direct'));
        const ratios = measured.filter((m) => m.block.path === p.name).map((m) => blockRatio(m.block, m.runs.map((x) => x.rps)));
        const ratio = round(median(ratios), 3);
        const s = spread(ratios);
        const cpuOf = (x: LoadResult) => x.cpuPerRequestUs.generator + x.cpuPerRequestUs.backends + x.cpuPerRequestUs.proxyProcess;
        row[p.name] = {
          ...through,
          runsRps: runsOf(p.name, p.name).map((x) => x.rps),
          pairedDirectRps: runsOf(p.name, 'direct').map((x) => x.rps),
          ratioToDirect: ratio,
          roundRatios: ratios.map((x) => round(x, 3)),
          ratioSpread: { min: round(s.min, 3), q1: round(s.q1, 3), q3: round(s.q3, 3), max: round(s.max, 3) },
          // What the ratio would be if CPU alone set the pace: its direct runs' CPU per request over this path's.
          cpuPerRequestRatio: round(cpuOf(pairedDirect) / cpuOf(through), 3),
        };
        const goal = GOALS[p.name]![shape];
        targets.push({
          what: `${p.name} req/s vs direct, ${shape}, ${concurrency} clients`,
          value: through.rps,
          baseline: pairedDirect.rps,
          ratio,
          target: `>= ${goal * 100}% of direct, no errors (the seed's userspace kube-proxy: 4.6%)`,
          met: ratio >= goal && through.errors === 0,
        });
      }
      results[shape] = row;
    }
    results.order = blocks.map((b) => b.runs.map((r) => (r === 'direct' ? 'D' : r[0]!.toUpperCase())).join('')).join(' ');
    const busy = Math.max(...Object.values(results).flatMap((row) => (row && typeof row === 'object' ? Object.values(row).map((x: any) => x?.machineBusy ?? 0) : [])));
    results.loadAverageAtEnd = round(loadavg()[0]!, 2);
    const how =
      `Pods: ${pods.path === 'bridge' ? 'each in a network namespace of its own behind a bridge, reached the same way by every path' : 'on loopback (not root)'}. ` +
      `One generator process runs every run${ownSources && pods.clientAddresses ? ', from an address of its own for each path (clientAddresses)' : ', every path from the same address'}; each path is warmed up once per shape, and each block of four runs of ${round(runSeconds, 2)} s (ABBA: D P P D, then P D D P) after a short run of its path; a block's ratio is its proxied req/s over its direct req/s (roundRatios, in run order, with their ratioSpread), and ratioToDirect is their median.`;
    results.limits = pinned
      ? `generator pinned to CPU 0, the pods and the proxy (this process) to CPU 1, both shared with whatever else runs on the machine (load average ${results.loadAverageAtStart} at the start, ${results.loadAverageAtEnd} at the end): ` +
        `the proxy's CPU time is taken from the pods' core; the kernel's work for a packet runs mostly on the sender's core, so the split is not exact. ${how}`
      : `generator, pods and proxy share ${cpus().length} cores with whatever else runs on the machine (load average ${results.loadAverageAtStart} at the start, ${results.loadAverageAtEnd} at the end; ` +
        `the CPUs were up to ${Math.round(busy * 100)}% busy during the runs): throughput is CPU-bound, so each path's req/s falls with its CPU time per request (cpuPerRequestUs, ` +
        `whose ratio cpuPerRequestRatio does not depend on how the CPUs were shared). ${how}`;
  } finally {
    await gen?.stop();
    for (const p of paths) await p.close().catch(() => undefined);
    await pods.stop();
  }
  return { name: 'proxy', results, targets };
}
