// `npm run bench -- proxy [--seconds S] [--concurrency C]`: HTTP requests per second and p99
// latency to a Service with two pods (two small HTTP servers in a process of their own), from C
// concurrent clients (another process): direct to the pods (the baseline, in the same run),
// through the userspace proxy (in this process, on a loopback ClusterIP, so no root is needed)
// and, as root, through iptables DNAT. Two client shapes: keep-alive connections and a new
// connection per request (the seed measured the old userspace kube-proxy at 288 req/s against
// 6,253 direct). Rounds alternate direct and proxied runs after a warm-up.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceTable } from '@corral/core';
import { IptablesProxy } from '@corral/network-iptables';
import { UserspaceProxy, userspaceOptions } from '@corral/network-userspace';
import { round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOALS: Record<string, { keepAlive: number; newConnectionPerRequest: number }> = {
  userspace: { keepAlive: 0.9, newConnectionPerRequest: 0.85 },
  iptables: { keepAlive: 0.97, newConnectionPerRequest: 0.97 },
};

interface LoadResult {
  rps: number;
  errors: number;
  p50: number;
  p99: number;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Runs a child script and resolves with its first JSON line (the child keeps running). */
function child(script: string, args: string[]): Promise<{ line: any; kill(): void; done: Promise<void> }> {
  const proc = spawn(process.execPath, [join(here, '..', 'proxy', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (l) => resolve({ line: JSON.parse(l), kill: () => proc.kill(), done }));
    proc.once('exit', (code) => reject(new Error(`${script} exited ${code} before answering`)));
  });
}

async function load(targets: { host: string; port: number }[], seconds: number, concurrency: number, keepAlive: boolean): Promise<LoadResult> {
  const c = await child('load.js', [JSON.stringify(targets), String(seconds), String(concurrency), String(keepAlive)]);
  await c.done;
  return c.line as LoadResult;
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
  const rounds = 2;
  const backend = await child('backend.js', []);
  const ports = backend.line.ports as number[];
  const results: Record<string, unknown> = { seconds, concurrency, pods: ports.length };
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
    for (const t of all) await load(t.targets, 1, concurrency, true);
    for (const keepAlive of [true, false]) {
      const shape = keepAlive ? 'keepAlive' : 'newConnectionPerRequest';
      const samples = new Map<string, LoadResult[]>();
      for (let r = 0; r < rounds; r++) {
        for (const t of all) samples.set(t.name, [...(samples.get(t.name) ?? []), await load(t.targets, seconds / rounds, concurrency, keepAlive)]);
      }
      const mean = (xs: LoadResult[]): LoadResult => ({
        rps: round(xs.reduce((a, x) => a + x.rps, 0) / xs.length, 0),
        errors: xs.reduce((a, x) => a + x.errors, 0),
        p50: round(xs.reduce((a, x) => a + x.p50, 0) / xs.length, 3),
        p99: round(Math.max(...xs.map((x) => x.p99)), 3),
      });
      const direct = mean(samples.get('direct')!);
      const row: Record<string, unknown> = { direct };
      for (const p of paths) {
        const through = mean(samples.get(p.name)!);
        const ratio = round(through.rps / direct.rps, 3);
        row[p.name] = { ...through, ratioToDirect: ratio };
        const goal = GOALS[p.name]![shape];
        targets.push({
          what: `${p.name} req/s vs direct, ${shape}, ${concurrency} clients`,
          value: through.rps,
          baseline: direct.rps,
          goal: `>= ${goal * 100}% of direct, no errors (the seed's userspace kube-proxy: 4.6%)`,
          met: ratio >= goal && through.errors === 0,
        });
      }
      results[shape] = row;
    }
  } finally {
    for (const p of paths) await p.close();
    backend.kill();
  }
  return { name: 'proxy', results, targets };
}
