// The load generator of the API benchmark, in a worker thread: the clients' own work (JSON,
// sockets) then runs beside the server's event loop instead of on it, as it would from other
// processes. The main thread sends a task, the worker answers with the raw figures.
import { parentPort } from 'node:worker_threads';
import { Etcd3 } from 'etcd3';
import { drive, nowMs, paced } from '../stats.js';
import type { ClientSide } from './callTrace.js';
import { ApiClient, benchPod, podsPath } from './client.js';
import { CALL_HEADER, epochMs } from './serverProbe.js';

export type Op = 'create' | 'get' | 'list' | 'mutate';

export interface DriveTask {
  type: 'drive';
  url: string;
  op: Exclude<Op, 'mutate'>;
  namespace: string;
  /** Names are `<prefix><i>`. */
  prefix: string;
  total: number;
  concurrency: number;
  /** For gets: how many objects exist to read (`<prefix>0` ...). */
  existing?: number;
}

export interface PacedTask {
  type: 'paced';
  url: string;
  namespace: string;
  prefix: string;
  ratePerSec: number;
  durationMs: number;
  /** Name each call in a header and give back its timestamps (for ServerProbe's trace). */
  trace?: boolean;
}

/** The baseline of the paced run: plain puts of a pod's JSON straight to etcd, at the same rate. */
export interface PacedEtcdTask {
  type: 'pacedEtcd';
  endpoint: string;
  prefix: string;
  ratePerSec: number;
  durationMs: number;
}

export type Task = DriveTask | PacedTask | PacedEtcdTask;

export interface TaskResult {
  latencies: number[];
  opsPerSec: number;
  elapsedMs: number;
  errors: number;
  firstError?: string;
  /** Bytes of the last list answer, to show what a list of N objects weighs. */
  listBytes?: number;
  /** A traced paced run's calls. */
  calls?: ClientSide[];
}

async function runDrive(task: DriveTask): Promise<TaskResult> {
  const client = new ApiClient(task.url, task.concurrency);
  const path = podsPath(task.namespace);
  let listBytes = 0;
  try {
    const op = async (i: number): Promise<void> => {
      switch (task.op) {
        case 'create':
          await client.expect(201, 'POST', path, benchPod(task.namespace, `${task.prefix}${i}`));
          return;
        case 'get':
          await client.expect(200, 'GET', `${path}/${task.prefix}${(i * 7919) % (task.existing ?? 1)}`);
          return;
        case 'list': {
          const body = await client.expect(200, 'GET', path);
          listBytes = body.length;
          return;
        }
      }
    };
    const run = await drive(task.total, task.concurrency, op);
    return { ...run, errors: 0, ...(task.op === 'list' ? { listBytes } : {}) };
  } finally {
    client.close();
  }
}

/**
 * Mutating calls at a fixed rate, every one a write to the store: creates, and (after a warm-up
 * of PATCH_LAG creates) merge patches in between. A patch targets the oldest pod not patched yet
 * whose create has already answered, so no two patches race for one pod and none targets a pod
 * still being created: a 404 or 409 there would measure the benchmark, not the server. Should
 * every answered create be patched already, the call is a create instead, so the rate of writes
 * holds.
 */
const PATCH_LAG = 200;

async function runPaced(task: PacedTask): Promise<TaskResult> {
  const client = new ApiClient(task.url, 256);
  const path = podsPath(task.namespace);
  const created: string[] = [];
  let patched = 0;
  const calls: ClientSide[] = [];
  const start = Date.now();
  try {
    const run = await paced(task.ratePerSec, task.durationMs, async (i, due) => {
      const sent = epochMs();
      // `due` is on nowMs()'s clock; the server's side is on the epoch clock.
      const dueAt = sent - (nowMs() - due);
      const traced = (name: string) => (task.trace ? { [CALL_HEADER]: name } : undefined);
      let method: string;
      let name: string;
      if (i < PATCH_LAG || i % 2 === 0 || patched === created.length) {
        method = 'POST';
        name = `${task.prefix}${i}`;
        await client.expect(201, method, path, benchPod(task.namespace, name), undefined, traced(name));
        created.push(name);
      } else {
        method = 'PATCH';
        name = created[patched++]!;
        const patch = { metadata: { labels: { revision: String(i) } } };
        await client.expect(200, method, `${path}/${name}`, patch, 'application/merge-patch+json', traced(name));
      }
      if (task.trace) calls.push({ method, name, due: dueAt, sent, answered: epochMs() });
    });
    return {
      latencies: run.latencies,
      opsPerSec: run.achievedPerSec,
      elapsedMs: Date.now() - start,
      errors: run.errors,
      ...(run.firstError ? { firstError: run.firstError } : {}),
      ...(task.trace ? { calls } : {}),
    };
  } finally {
    client.close();
  }
}

async function runPacedEtcd(task: PacedEtcdTask): Promise<TaskResult> {
  const client = new Etcd3({ hosts: task.endpoint });
  const start = Date.now();
  try {
    // One put first: the connection is made before the clock starts.
    await client.put(`${task.prefix}warm`).value('{}').exec();
    const run = await paced(task.ratePerSec, task.durationMs, (i) =>
      client.put(`${task.prefix}${i}`).value(JSON.stringify(benchPod('bench-paced', `m-${i}`))).exec(),
    );
    return { latencies: run.latencies, opsPerSec: run.achievedPerSec, elapsedMs: Date.now() - start, errors: run.errors, ...(run.firstError ? { firstError: run.firstError } : {}) };
  } finally {
    client.close();
  }
}

function runTask(task: Task): Promise<TaskResult> {
  switch (task.type) {
    case 'drive':
      return runDrive(task);
    case 'paced':
      return runPaced(task);
    case 'pacedEtcd':
      return runPacedEtcd(task);
  }
}

parentPort?.on('message', (task: Task) => {
  const work = runTask(task);
  work.then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
