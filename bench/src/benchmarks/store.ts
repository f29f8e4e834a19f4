// `npm run bench -- store [--quick]`: the Store backends under load, with raw etcd3 puts on the
// same etcd as the baseline. Measures creates/s and gets/s at 1 and 64 concurrent clients, and
// how long a watcher waits for each create (from the write's acknowledgement, and from its start).
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type StoredObject } from '@corral/core';
import { startEtcd } from '@corral/core/testing';
import { CompareResult, CompareTarget, Etcd3 } from 'etcd3';
import { drive, nowMs, percentile, round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

interface Sizes {
  writes: Record<number, number>;
  watched: Record<number, number>;
  reads: number;
  /** Per round; `rounds` rounds each of raw puts and of creates through the store. */
  etcdWrites: Record<number, number>;
  rounds: number;
  etcdWatched: Record<number, number>;
  etcdReads: number;
}

/** A Pod of a realistic size (about 1 KiB of JSON). */
function pod(name: string): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'bench',
      uid: `0b8e9a52-${name}`,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d4b9c8f6' },
      annotations: { 'kubernetes.io/psp': 'restricted' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6', uid: 'a1b2c3', controller: true }],
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/team/web:1.25.3',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'production' }, { name: 'LOG_LEVEL', value: 'info' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      nodeName: 'node-1',
    },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
}

function summary(samples: number[]): { p50: number; p99: number; max: number } {
  return { p50: round(percentile(samples, 50), 3), p99: round(percentile(samples, 99), 3), max: round(Math.max(...samples), 3) };
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The object of the i-th write: every client, raw or not, builds and serializes one per write. */
function podNumber(i: number): StoredObject {
  const body = pod('template');
  return { ...body, metadata: { ...(body.metadata as object), name: `p-${i}` } };
}

/** Creates: throughput and per-create latency. */
async function writes(store: Store, prefix: string, concurrency: number, total: number) {
  const run = await drive(total, concurrency, (i) => store.create(`${prefix}p-${i}`, podNumber(i)));
  return { opsPerSec: Math.round(run.opsPerSec), elapsedMs: run.elapsedMs, latencyMs: summary(run.latencies), ops: total };
}

/** Creates with a watcher on their prefix: how long after each create the watcher has it. */
async function watched(store: Store, prefix: string, concurrency: number, total: number) {
  const watch = await store.watch(prefix);
  const received = new Array<number>(total);
  let count = 0;
  const consumer = (async () => {
    for await (const ev of watch) {
      received[Number(ev.key.slice(ev.key.lastIndexOf('-') + 1))] = nowMs();
      if (++count === total) return;
    }
  })();
  const started = new Array<number>(total);
  const acked = new Array<number>(total);
  const run = await drive(total, concurrency, async (i) => {
    started[i] = nowMs();
    await store.create(`${prefix}p-${i}`, podNumber(i));
    acked[i] = nowMs();
  });
  await until(() => count === total, 30_000, `the watch on ${prefix} to deliver ${total} events`);
  watch.stop();
  await consumer;
  return {
    opsPerSec: Math.round(run.opsPerSec),
    // Negative when the watcher has the event before the writer has its answer.
    fromAckMs: summary(received.map((r, i) => r - acked[i]!)),
    fromStartMs: summary(received.map((r, i) => r - started[i]!)),
    ops: total,
  };
}

async function reads(store: Store, prefix: string, concurrency: number, total: number, keys: number) {
  const run = await drive(total, concurrency, (i) => store.get(`${prefix}p-${(i * 7919) % keys}`));
  return { opsPerSec: Math.round(run.opsPerSec), latencyMs: summary(run.latencies), ops: total };
}

async function rawPuts(client: Etcd3, prefix: string, concurrency: number, total: number) {
  const run = await drive(total, concurrency, (i) => client.put(`${prefix}p-${i}`).value(JSON.stringify(podNumber(i))).exec());
  return { opsPerSec: Math.round(run.opsPerSec), elapsedMs: run.elapsedMs, latencyMs: summary(run.latencies), ops: total };
}

/** The same check-and-put the store does for a create, as a bare etcd3 transaction. */
async function rawTxnCreates(client: Etcd3, prefix: string, concurrency: number, total: number) {
  const run = await drive(total, concurrency, (i) => {
    const key = Buffer.from(`${prefix}p-${i}`);
    return client.kv.txn({
      compare: [{ key, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }],
      success: [{ request_put: { key, value: Buffer.from(JSON.stringify(podNumber(i))) } }],
    });
  });
  return { opsPerSec: Math.round(run.opsPerSec), elapsedMs: run.elapsedMs, latencyMs: summary(run.latencies), ops: total };
}

/**
 * etcd through the store, raw etcd3 puts and raw etcd3 create transactions, in alternating
 * rounds so that all meet the same machine load (the runner shares its cores); the totals over
 * all rounds count.
 */
async function etcdVersusRaw(store: Store, client: Etcd3, concurrency: number, perRound: number, rounds: number) {
  const store_: Array<Awaited<ReturnType<typeof writes>>> = [];
  const raw_: Array<Awaited<ReturnType<typeof rawPuts>>> = [];
  const txn_: Array<Awaited<ReturnType<typeof rawTxnCreates>>> = [];
  for (let r = 0; r < rounds; r++) {
    raw_.push(await rawPuts(client, `/raw/c${concurrency}-r${r}/`, concurrency, perRound));
    store_.push(await writes(store, `/registry/pods/etcd-c${concurrency}-r${r}/`, concurrency, perRound));
    txn_.push(await rawTxnCreates(client, `/rawtxn/c${concurrency}-r${r}/`, concurrency, perRound));
  }
  const total = (runs: Array<{ elapsedMs: number }>) => Math.round((perRound * runs.length * 1000) / runs.reduce((a, b) => a + b.elapsedMs, 0));
  const merge = (runs: Array<{ opsPerSec: number; latencyMs: unknown }>, ops: number) => ({
    opsPerSec: ops,
    rounds: runs.map((x) => x.opsPerSec),
    latencyMsOfLastRound: runs[runs.length - 1]!.latencyMs,
  });
  return { store: merge(store_, total(store_)), raw: merge(raw_, total(raw_)), txn: merge(txn_, total(txn_)) };
}

export async function run(args: string[]): Promise<BenchResult> {
  const quick = args.includes('--quick');
  const sizes: Sizes = quick
    ? { writes: { 1: 300, 64: 5000 }, watched: { 1: 300, 64: 5000 }, reads: 5000, etcdWrites: { 1: 100, 64: 1000 }, rounds: 2, etcdWatched: { 1: 100, 64: 1000 }, etcdReads: 2000 }
    : { writes: { 1: 2000, 64: 30_000 }, watched: { 1: 2000, 64: 30_000 }, reads: 30_000, etcdWrites: { 1: 200, 64: 2000 }, rounds: 6, etcdWatched: { 1: 300, 64: 4000 }, etcdReads: 6000 };
  const etcd = await startEtcd();
  const dir = await mkdtemp(join(tmpdir(), 'corral-bench-store-'));
  const raw = new Etcd3({ hosts: etcd.endpoint });
  const stores: Store[] = [];
  try {
    const embedded = await openStore({ embedded: { dir } });
    stores.push(embedded);
    const viaEtcd = await openStore({ etcd: { endpoints: [etcd.endpoint], prefix: '/corral' } });
    stores.push(viaEtcd);

    const results: Record<string, Record<string, unknown>> = { embedded: {}, etcd: {}, rawEtcd3: {} };
    for (const c of [1, 64]) {
      results.embedded![`writes_c${c}`] = await writes(embedded, `/registry/pods/emb-c${c}/`, c, sizes.writes[c]!);
      results.embedded![`watch_c${c}`] = await watched(embedded, `/registry/pods/emb-watch-c${c}/`, c, sizes.watched[c]!);
    }
    for (const c of [1, 64]) {
      results.embedded![`reads_c${c}`] = await reads(embedded, '/registry/pods/emb-c64/', c, sizes.reads, sizes.writes[64]!);
    }

    for (const c of [1, 64]) {
      const { store, raw: baseline, txn } = await etcdVersusRaw(viaEtcd, raw, c, sizes.etcdWrites[c]!, sizes.rounds);
      results.etcd![`writes_c${c}`] = store;
      results.rawEtcd3![`puts_c${c}`] = baseline;
      // Context for the ratio: etcd itself spends more on a compare-and-put than on a put.
      results.rawEtcd3![`txnCreates_c${c}`] = txn;
      results.etcd![`watch_c${c}`] = await watched(viaEtcd, `/registry/pods/etcd-watch-c${c}/`, c, sizes.etcdWatched[c]!);
    }
    for (const c of [1, 64]) {
      results.etcd![`reads_c${c}`] = await reads(viaEtcd, '/registry/pods/etcd-c64-r0/', c, sizes.etcdReads, sizes.etcdWrites[64]!);
    }

    const etcdW = (results.etcd!.writes_c64 as { opsPerSec: number }).opsPerSec;
    const rawW = (results.rawEtcd3!.puts_c64 as { opsPerSec: number }).opsPerSec;
    const embW = (results.embedded!.writes_c64 as { opsPerSec: number }).opsPerSec;
    const embWatchP99 = (results.embedded!.watch_c64 as { fromAckMs: { p99: number } }).fromAckMs.p99;
    results.etcd!.writeRatioToRaw_c64 = round(etcdW / rawW, 3);
    const targets: BenchTarget[] = [
      { what: 'etcd backend creates/s at 64 writers vs raw etcd3 puts/s', value: etcdW, baseline: rawW, target: '>= 80% of baseline', met: etcdW >= 0.8 * rawW },
      { what: 'embedded durable creates/s at 64 writers', value: embW, target: '>= 10000', met: embW >= 10_000 },
      { what: 'embedded watch delivery p99 after acknowledgement at 64 writers (ms)', value: embWatchP99, target: '< 10', met: embWatchP99 < 10 },
    ];
    return { name: 'store', results: { ...results, cpus: cpus().length, quick }, targets };
  } finally {
    for (const s of stores) await s.close().catch(() => undefined);
    raw.close();
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
