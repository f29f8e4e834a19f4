// `npm run bench -- proxy [--seconds S] [--concurrency C]`: HTTP requests per second to a
// backend directly (the baseline, in the same run) and through each service data path: the
// userspace proxy (on a loopback address, so no root is needed) and, as root, iptables DNAT.
// Two client shapes: a new connection per request (what the seed's measurement did: the old
// userspace kube-proxy managed 288 req/s against 6,253 direct) and keep-alive connections.
import { createServer, request, Agent, type Server } from 'node:http';
import { randomInt } from 'node:crypto';
import type { ServiceTable } from '@corral/core';
import { IptablesProxy } from '@corral/network-iptables';
import { UserspaceProxy, userspaceOptions } from '@corral/network-userspace';
import { nowMs, round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

const GOAL_RATIO = 0.8;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function backend(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

/** Requests per second from `concurrency` loops for `seconds`. */
async function load(host: string, port: number, seconds: number, concurrency: number, keepAlive: boolean): Promise<{ rps: number; errors: number }> {
  const agent = new Agent({ keepAlive, maxSockets: concurrency });
  const end = nowMs() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request({ host, port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          done++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const start = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nowMs() < end) await one();
    }),
  );
  agent.destroy();
  return { rps: round((done * 1000) / (nowMs() - start), 0), errors };
}

function table(clusterIP: string, port: number, backendPort: number): ServiceTable {
  return {
    services: [
      {
        namespace: 'bench',
        name: 'web',
        clusterIP,
        sessionAffinity: 'None',
        ports: [{ protocol: 'TCP', port, backends: [{ ip: '127.0.0.1', port: backendPort, ready: true }] }],
      },
    ],
  };
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = option(args, 'seconds', 5);
  const concurrency = option(args, 'concurrency', 16);
  const { server, port } = await backend();
  const results: Record<string, unknown> = {};
  const targets: BenchTarget[] = [];
  try {
    const paths: { name: string; host: string; port: number; close: () => Promise<void> }[] = [];
    const userspace = new UserspaceProxy({ ...userspaceOptions({ serviceInterface: '' }), onError: () => undefined });
    await userspace.sync(table('127.0.0.2', 8080, port));
    paths.push({ name: 'userspace', host: '127.0.0.2', port: 8080, close: () => userspace.close() });
    if (process.getuid?.() === 0) {
      const iptables = new IptablesProxy({ prefix: `CB${randomInt(1000, 10000)}-`, fullSyncIntervalMs: 3_600_000 });
      await iptables.sync(table('127.0.0.3', 8080, port));
      paths.push({ name: 'iptables', host: '127.0.0.3', port: 8080, close: () => iptables.close() });
    } else {
      results.iptables = 'skipped: needs root';
    }
    try {
      // A warm-up of every path, then rounds that alternate direct and proxied runs, so neither
      // side gets the JIT's or the machine's better moments.
      for (const target of [{ host: '127.0.0.1', port }, ...paths]) await load(target.host, target.port, 1, concurrency, true);
      const rounds = 2;
      const mean = (xs: { rps: number; errors: number }[]) => ({ rps: round(xs.reduce((a, x) => a + x.rps, 0) / xs.length, 0), errors: xs.reduce((a, x) => a + x.errors, 0) });
      for (const keepAlive of [false, true]) {
        const shape = keepAlive ? 'keepAlive' : 'newConnectionPerRequest';
        const samples = new Map<string, { rps: number; errors: number }[]>();
        for (let r = 0; r < rounds; r++) {
          for (const target of [{ name: 'direct', host: '127.0.0.1', port }, ...paths]) {
            const list = samples.get(target.name) ?? [];
            list.push(await load(target.host, target.port, seconds / rounds, concurrency, keepAlive));
            samples.set(target.name, list);
          }
        }
        const direct = mean(samples.get('direct')!);
        const row: Record<string, unknown> = { direct };
        for (const p of paths) {
          const through = mean(samples.get(p.name)!);
          row[p.name] = { ...through, ratioToDirect: round(through.rps / direct.rps, 3) };
          targets.push({
            what: `${p.name} req/s vs direct, ${shape}`,
            value: through.rps,
            baseline: direct.rps,
            goal: `>= ${GOAL_RATIO * 100}% of direct (the seed's userspace kube-proxy: 4.6%)`,
            met: through.rps >= GOAL_RATIO * direct.rps && through.errors === 0,
          });
        }
        results[shape] = row;
      }
    } finally {
      for (const p of paths) await p.close();
    }
  } finally {
    server.close();
  }
  return { name: 'proxy', results: { seconds, concurrency, ...results }, targets };
}
