// `npm run bench -- api [--quick] [--paced-only] [--no-trace]`: the API server over HTTP on both
// backends. Creates/s, gets/s and lists of 1,000 pods/s at 1 and 64 keep-alive clients (plain
// node:http, in a worker thread), with p50/p99 latency; beside them, in alternating rounds,
// creates through the same Store API with no HTTP in between (the baseline); and mutating calls
// paced at 500/s on etcd for their p99, beside plain etcd puts at the same rate (etcd's own p99
// on this machine). The paced run also reports why its tail is what it is: the server thread's
// event-loop delay and GC pauses, etcd's fsync and commit times, and (unless --no-trace) where
// the slowest 1% of calls spent their time. --paced-only skips to the paced run.
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Store, StoredObject } from '@corral/core';
import { startEtcd, startTestApiServer, type TestApiServer } from '@corral/core/testing';
import { summarizeTrace } from '../api/callTrace.js';
import { ApiClient, benchPod } from '../api/client.js';
import { etcdSnapshot, etcdWindow } from '../api/etcdMetrics.js';
import { ServerProbe } from '../api/serverProbe.js';
import type { Task, TaskResult } from '../api/worker.js';
import { drive, latencySummary, round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

interface Sizes {
  creates: Record<number, number>;
  gets: Record<number, number>;
  lists: Record<number, number>;
  /** Create runs alternate store/API in this many rounds, splitting the totals. */
  rounds: number;
  listSize: number;
  pacedMs: number;
}

const FULL: Record<'embedded' | 'etcd', Sizes> = {
  embedded: { creates: { 1: 2000, 64: 16_000 }, gets: { 1: 4000, 64: 16_000 }, lists: { 1: 20, 64: 96 }, rounds: 2, listSize: 1000, pacedMs: 0 },
  etcd: { creates: { 1: 400, 64: 4000 }, gets: { 1: 1000, 64: 4000 }, lists: { 1: 10, 64: 40 }, rounds: 2, listSize: 1000, pacedMs: 10_000 },
};
const QUICK: Record<'embedded' | 'etcd', Sizes> = {
  embedded: { creates: { 1: 300, 64: 3000 }, gets: { 1: 500, 64: 3000 }, lists: { 1: 5, 64: 16 }, rounds: 2, listSize: 1000, pacedMs: 0 },
  etcd: { creates: { 1: 100, 64: 1000 }, gets: { 1: 200, 64: 1000 }, lists: { 1: 3, 64: 8 }, rounds: 2, listSize: 1000, pacedMs: 3000 },
};
const PACED_RATE = 500;
const CONCURRENCY = [1, 64] as const;

/** The load generator thread; one task at a time. */
class LoadWorker {
  private readonly worker = new Worker(new URL('../api/worker.js', import.meta.url));

  run(task: Task): Promise<TaskResult> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.worker.once('error', onError);
      this.worker.once('message', (msg: { ok: boolean; result?: TaskResult; error?: string }) => {
        this.worker.off('error', onError);
        if (msg.ok) resolve(msg.result!);
        else reject(new Error(`load worker: ${msg.error}`));
      });
      this.worker.postMessage(task);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

const figures = (r: TaskResult) => ({ opsPerSec: Math.round(r.opsPerSec), latencyMs: latencySummary(r.latencies), ops: r.latencies.length });

/** What the API stores for a create: the same pod with the fields the server sets. */
function storedPod(namespace: string, name: string): StoredObject {
  const pod = benchPod(namespace, name) as StoredObject & { metadata: Record<string, unknown> };
  return { ...pod, metadata: { ...pod.metadata, uid: randomUUID(), creationTimestamp: new Date().toISOString() }, status: { phase: 'Pending', qosClass: 'Burstable' } };
}

async function storeCreates(store: Store, prefix: string, total: number, concurrency: number) {
  const run = await drive(total, concurrency, (i) => store.create(`${prefix}p-${i}`, storedPod('base', `p-${i}`)));
  return { ...run, errors: 0 };
}

/** Sums rounds: ops/s over the total time, latencies pooled. */
function pooled(runs: Array<{ latencies: number[]; elapsedMs: number }>) {
  const ops = runs.reduce((a, r) => a + r.latencies.length, 0);
  const ms = runs.reduce((a, r) => a + r.elapsedMs, 0);
  return { opsPerSec: Math.round((ops * 1000) / ms), latencyMs: latencySummary(runs.flatMap((r) => r.latencies)), ops, rounds: runs.map((r) => Math.round((r.latencies.length * 1000) / r.elapsedMs)) };
}

async function namespace(url: string, name: string): Promise<void> {
  const client = new ApiClient(url, 1);
  try {
    await client.expect(201, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } finally {
    client.close();
  }
}

async function measureBackend(server: TestApiServer, load: LoadWorker, sizes: Sizes) {
  const url = server.url;
  const out: Record<string, unknown> = {};
  for (const c of CONCURRENCY) {
    const ns = `bench-c${c}`;
    await namespace(url, ns);
    const api: TaskResult[] = [];
    const base: Array<Awaited<ReturnType<typeof storeCreates>>> = [];
    const perRound = Math.floor(sizes.creates[c]! / sizes.rounds);
    for (let r = 0; r < sizes.rounds; r++) {
      base.push(await storeCreates(server.store, `/registry/pods/baseline-c${c}-r${r}/`, perRound, c));
      api.push(await load.run({ type: 'drive', url, op: 'create', namespace: ns, prefix: `r${r}-`, total: perRound, concurrency: c }));
    }
    out[`storeCreates_c${c}`] = pooled(base);
    out[`apiCreates_c${c}`] = pooled(api);
  }
  const existing = Math.floor(sizes.creates[64]! / sizes.rounds);
  for (const c of CONCURRENCY) {
    const gets = await load.run({ type: 'drive', url, op: 'get', namespace: 'bench-c64', prefix: 'r0-', existing, total: sizes.gets[c]!, concurrency: c });
    out[`apiGets_c${c}`] = figures(gets);
  }
  await namespace(url, 'bench-list');
  await load.run({ type: 'drive', url, op: 'create', namespace: 'bench-list', prefix: 'l-', total: sizes.listSize, concurrency: 64 });
  for (const c of CONCURRENCY) {
    const lists = await load.run({ type: 'drive', url, op: 'list', namespace: 'bench-list', prefix: '', total: sizes.lists[c]!, concurrency: c });
    out[`apiLists${sizes.listSize}_c${c}`] = { ...figures(lists), bytesPerList: lists.listBytes };
  }
  const apiW = (out.apiCreates_c64 as { opsPerSec: number }).opsPerSec;
  const storeW = (out.storeCreates_c64 as { opsPerSec: number }).opsPerSec;
  out.createRatioToStore_c64 = round(apiW / storeW, 3);
  return { results: out, apiW, storeW };
}

export async function run(args: string[]): Promise<BenchResult> {
  const quick = args.includes('--quick');
  const pacedOnly = args.includes('--paced-only');
  const trace = !args.includes('--no-trace');
  const sizes = quick ? QUICK : FULL;
  const load = new LoadWorker();
  const etcd = await startEtcd();
  const servers: TestApiServer[] = [];
  const started = Date.now();
  try {
    const results: Record<string, unknown> = { cpus: cpus().length, quick, ...(pacedOnly ? { pacedOnly } : {}), node: process.execArgv.join(' ') };
    const targets: BenchTarget[] = [];
    for (const backend of pacedOnly ? (['etcd'] as const) : (['embedded', 'etcd'] as const)) {
      const server = await startTestApiServer(backend === 'etcd' ? { backend, etcdEndpoint: etcd.endpoint } : { backend });
      servers.push(server);
      if (!pacedOnly) {
        const measured = await measureBackend(server, load, sizes[backend]);
        results[backend] = measured.results;
        targets.push({
          what: `${backend}: API server creates/s at 64 clients vs creates/s through the bare store`,
          value: measured.apiW,
          baseline: measured.storeW,
          target: '>= 50% of baseline',
          met: measured.apiW >= 0.5 * measured.storeW,
        });
      }
      if (backend === 'etcd') {
        await namespace(server.url, 'bench-paced');
        const pacedMs = sizes.etcd.pacedMs;
        // The baseline: etcd's own latency for plain puts of the same objects at the same rate.
        const rawDisk = await etcdSnapshot(etcd.endpoint);
        const raw = await load.run({ type: 'pacedEtcd', endpoint: etcd.endpoint, prefix: `/bench-raw-${randomUUID()}/`, ratePerSec: PACED_RATE, durationMs: pacedMs });
        const rawEtcdDisk = etcdWindow(rawDisk, await etcdSnapshot(etcd.endpoint));
        const pacedFigures = (run: TaskResult, mix: string) => ({
          ratePerSec: PACED_RATE,
          durationMs: pacedMs,
          achievedPerSec: Math.round(run.opsPerSec),
          calls: run.latencies.length,
          errors: run.errors,
          ...(run.firstError ? { firstError: run.firstError } : {}),
          latencyMs: latencySummary(run.latencies),
          mix,
        });
        const rawFigures = pacedFigures(raw, 'puts of the same pods straight to etcd (etcd3 client), no API server');
        const disk = await etcdSnapshot(etcd.endpoint);
        const probe = new ServerProbe(trace ? server.store : undefined);
        const r = await load
          .run({ type: 'paced', url: server.url, namespace: 'bench-paced', prefix: 'm-', ratePerSec: PACED_RATE, durationMs: pacedMs, trace })
          .finally(() => probe.stop());
        const serverThread = probe.stop();
        const etcdDisk = etcdWindow(disk, await etcdSnapshot(etcd.endpoint));
        const apiFigures = pacedFigures(r, 'creates and merge patches (of pods whose create has answered), alternating');
        results.rawEtcdPaced = { ...rawFigures, etcdDisk: rawEtcdDisk };
        results.etcdPaced = {
          ...apiFigures,
          etcdDisk,
          serverThread: { ...serverThread, busyMsPerCall: round(serverThread.busyMs / Math.max(1, r.latencies.length), 3) },
          ...(r.calls ? { slowCalls: summarizeTrace(r.calls, probe.calls) } : {}),
        };
        const rawSummary = rawFigures.latencyMs;
        const summary = apiFigures.latencyMs;
        targets.push({
          what: `etcd: p99 of mutating calls at ${PACED_RATE} writes/s (ms); baseline: plain etcd puts at that rate`,
          value: summary.p99,
          baseline: rawSummary.p99,
          target: '< 50',
          met: summary.p99 < 50 && r.errors === 0,
        });
      }
      await server.close();
    }
    results.wallSeconds = Math.round((Date.now() - started) / 1000);
    return { name: 'api', results, targets };
  } finally {
    for (const s of servers) await s.close().catch(() => undefined);
    await load.terminate();
    await etcd.stop();
  }
}
