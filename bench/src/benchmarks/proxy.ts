// `npm run bench -- proxy [--seconds S] [--rounds R] [--concurrency C] [--pin]`: HTTP requests per second and p99
// latency to a Service with two pods (two small HTTP servers in a process of their own), from C
// concurrent clients (another process): direct to the pods (the baseline, in the same run),
// through the userspace proxy (in this process, on a loopback ClusterIP, so no root is needed)
// and, as root, through iptables DNAT. Two client shapes: keep-alive connections and a new
// connection per request (the seed measured the old userspace kube-proxy at 288 req/s against
// 6,253 direct). Short rounds alternate direct and proxied runs after a warm-up.
// Everything shares the machine's cores, so each path's row also says what limited it: the CPU
// time per request of the generator, the backends and the proxy, and how busy the machine was.
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceTable } from '@corral/core';
import { IptablesProxy } from '@corral/network-iptables';
import { UserspaceProxy, userspaceOptions } from '@corral/network-userspace';
import { busyBetween, machineCpu, processCpuMs } from '../proxy/machine.js';
import { round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOALS: Record<string, { keepAlive: number; newConnectionPerRequest: number }> = {
  userspace: { keepAlive: 0.9, newConnectionPerRequest: 0.85 },
  iptables: { keepAlive: 0.97, newConnectionPerRequest: 0.97 },
};

interface LoadResult {
  rps: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  /** CPU time per request in µs: the generator, the backends, this process (the userspace proxy). */
  cpuPerRequestUs: { generator: number; backends: number; proxyProcess: number };
  /** The machine's CPUs busy during the run (0..1), whoever used them. */
  machineBusy: number;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Runs a child script and resolves with its first JSON line (the child keeps running). */
function child(script: string, args: string[], cpu?: number): Promise<{ line: any; pid: number; kill(): void; done: Promise<void> }> {
  const argv = [process.execPath, join(here, '..', 'proxy', script), ...args];
  const proc = spawn(cpu === undefined ? argv[0]! : 'taskset', cpu === undefined ? argv.slice(1) : ['-c', String(cpu), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (l) => resolve({ line: JSON.parse(l), pid: proc.pid!, kill: () => proc.kill(), done }));
    proc.once('exit', (code) => reject(new Error(`${script} exited ${code} before answering`)));
  });
}

/** With --pin: the generator and the backends on CPU 0, this process (the userspace proxy) on CPU 1. */
let pinned = false;

async function load(backendPid: number, targets: { host: string; port: number }[], seconds: number, concurrency: number, keepAlive: boolean): Promise<LoadResult> {
  const backend0 = processCpuMs(backendPid);
  const self0 = process.cpuUsage();
  const machine0 = machineCpu();
  const c = await child('load.js', [JSON.stringify(targets), String(seconds), String(concurrency), String(keepAlive)], pinned ? 0 : undefined);
  await c.done;
  const self = process.cpuUsage(self0);
  const machine1 = machineCpu();
  const line = c.line as { rps: number; requests: number; errors: number; p50: number; p99: number; cpuMs: number };
  const perRequest = (ms: number) => round((ms * 1000) / Math.max(1, line.requests), 1);
  return {
    rps: line.rps,
    requests: line.requests,
    errors: line.errors,
    p50: line.p50,
    p99: line.p99,
    cpuPerRequestUs: { generator: perRequest(line.cpuMs), backends: perRequest(processCpuMs(backendPid) - backend0), proxyProcess: perRequest((self.user + self.system) / 1000) },
    machineBusy: round(busyBetween(machine0, machine1), 3),
  };
}

function table(clusterIP: string, port: number, backendPorts: number[]): ServiceTable {
  return {
    services: [
      {
        namespace: 'bench',
        name: 'web',
        clusterIP,
        sessionAffinity: 'None',
        ports: [{ protocol: 'TCP', port, backends: backendPorts.map((p) => ({ ip: '127.0.0.1', port: p, ready: true })) }],
      },
    ],
  };
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = option(args, 'seconds', 8);
  const concurrency = option(args, 'concurrency', 50);
  // Short rounds, alternating paths: the machine's other load drifts, and each round's ratio
  // compares runs only a second or two apart.
  const rounds = option(args, 'rounds', 8);
  // --pin gives the proxy a core of its own, as on a node whose cores are not all taken by the
  // client and the pods: then req/s shows the proxy's latency, not its CPU time.
  pinned = args.includes('--pin') && cpus().length >= 2;
  if (pinned) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const backend = await child('backend.js', [], pinned ? 0 : undefined);
  const ports = backend.line.ports as number[];
  const results: Record<string, unknown> = { seconds, concurrency, pods: ports.length, pinned, cores: cpus().length, loadAverageAtStart: round(loadavg()[0]!, 2) };
  const targets: BenchTarget[] = [];
  const paths: { name: string; targets: { host: string; port: number }[]; close: () => Promise<void> }[] = [];
  try {
    const userspace = new UserspaceProxy({ ...userspaceOptions({ serviceInterface: '' }), onError: () => undefined });
    await userspace.sync(table('127.0.0.2', 8080, ports));
    paths.push({ name: 'userspace', targets: [{ host: '127.0.0.2', port: 8080 }], close: () => userspace.close() });
    if (process.getuid?.() === 0) {
      const iptables = new IptablesProxy({ prefix: `CB${randomInt(1000, 10000)}-`, fullSyncIntervalMs: 3_600_000 });
      await iptables.sync(table('127.0.0.3', 8080, ports));
      paths.push({ name: 'iptables', targets: [{ host: '127.0.0.3', port: 8080 }], close: () => iptables.close() });
    } else {
      results.iptables = 'skipped: needs root';
    }
    const all = [{ name: 'direct', targets: ports.map((port) => ({ host: '127.0.0.1', port })) }, ...paths];
    for (const t of all) await load(backend.pid, t.targets, 1, concurrency, true);
    for (const keepAlive of [true, false]) {
      const shape = keepAlive ? 'keepAlive' : 'newConnectionPerRequest';
      const samples = new Map<string, LoadResult[]>();
      for (let r = 0; r < rounds; r++) {
        for (const t of all) samples.set(t.name, [...(samples.get(t.name) ?? []), await load(backend.pid, t.targets, seconds / rounds, concurrency, keepAlive)]);
      }
      const avg = (xs: number[], digits: number) => round(xs.reduce((a, x) => a + x, 0) / xs.length, digits);
      const mean = (xs: LoadResult[]): LoadResult => ({
        rps: avg(xs.map((x) => x.rps), 0),
        requests: xs.reduce((a, x) => a + x.requests, 0),
        errors: xs.reduce((a, x) => a + x.errors, 0),
        p50: avg(xs.map((x) => x.p50), 3),
        p99: round(Math.max(...xs.map((x) => x.p99)), 3),
        cpuPerRequestUs: {
          generator: avg(xs.map((x) => x.cpuPerRequestUs.generator), 1),
          backends: avg(xs.map((x) => x.cpuPerRequestUs.backends), 1),
          proxyProcess: avg(xs.map((x) => x.cpuPerRequestUs.proxyProcess), 1),
        },
        machineBusy: avg(xs.map((x) => x.machineBusy), 3),
      });
      const direct = mean(samples.get('direct')!);
      const row: Record<string, unknown> = { direct };
      for (const p of paths) {
        const through = mean(samples.get(p.name)!);
        const paired = samples.get(p.name)!.map((x, i) => x.rps / Math.max(1, samples.get('direct')![i]!.rps)).sort((a, b) => a - b);
        const ratio = round(paired[Math.floor(paired.length / 2)]!, 3);
        const cpu = (x: LoadResult) => x.cpuPerRequestUs.generator + x.cpuPerRequestUs.backends + x.cpuPerRequestUs.proxyProcess;
        // What the ratio would be if CPU alone set the pace: the direct path's CPU per request over this path's.
        row[p.name] = { ...through, ratioToDirect: ratio, roundRatios: paired.map((x) => round(x, 3)), cpuPerRequestRatio: round(cpu(direct) / cpu(through), 3) };
        const goal = GOALS[p.name]![shape];
        targets.push({
          what: `${p.name} req/s vs direct, ${shape}, ${concurrency} clients`,
          value: through.rps,
          baseline: direct.rps,
          ratio,
          target: `>= ${goal * 100}% of direct, no errors (the seed's userspace kube-proxy: 4.6%)`,
          met: ratio >= goal && through.errors === 0,
        });
      }
      results[shape] = row;
    }
    const busy = Math.max(...Object.values(results).flatMap((row) => (row && typeof row === 'object' ? Object.values(row).map((x: any) => x?.machineBusy ?? 0) : [])));
    results.loadAverageAtEnd = round(loadavg()[0]!, 2);
    results.limits = pinned
      ? `generator and backends pinned to CPU 0, the proxy (this process) to CPU 1, both shared with whatever else runs on the machine (load average ${results.loadAverageAtStart} at the start, ${results.loadAverageAtEnd} at the end): ` +
        `req/s is set by CPU 0, so a path's ratio shows what the proxy adds in latency and in kernel work on the client's side, not its own CPU time (cpuPerRequestUs.proxyProcess). ratioToDirect is the median of the rounds' ratios (roundRatios).`
      : `generator, backends and proxy share ${cpus().length} cores with whatever else runs on the machine (load average ${results.loadAverageAtStart} at the start, ${results.loadAverageAtEnd} at the end; ` +
      `the CPUs were up to ${Math.round(busy * 100)}% busy during the runs): throughput is CPU-bound, so each path's req/s falls with its CPU time per request (cpuPerRequestUs, ` +
      `whose ratio cpuPerRequestRatio does not depend on how the CPUs were shared). Each run starts a new generator; rounds alternate paths, and ratioToDirect is the median of the rounds' ratios (roundRatios), each against the direct run of its own round.`;
  } finally {
    for (const p of paths) await p.close();
    backend.kill();
  }
  return { name: 'proxy', results, targets };
}
