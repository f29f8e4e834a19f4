// The load side of the end-to-end scheduler and density benchmarks, in a worker thread, so the
// clients' JSON and sockets run beside the control plane's event loop, as other processes
// would. Times are epoch milliseconds (performance.timeOrigin + now), comparable across threads.
import { parentPort } from 'node:worker_threads';
import { ApiClient, type ApiObject, type ApiWatchEvent, type Pod } from '@corral/core';
import { makePods } from '@corral/core/testing';
import { drive } from '../stats.js';

export interface CreateAndWatchTask {
  type: 'create-and-watch';
  url: string;
  namespace: string;
  pods: number;
  concurrency: number;
  /** Wait for pods bound (scheduler benchmark) or Running (density). */
  until: 'bound' | 'running';
  /** Create the pods (scheduler benchmark) or only watch them (density: a controller creates them). */
  create: boolean;
  timeoutMs: number;
  /** Give the pods owner references to fake ReplicaSets of 100 (spreading has work to do). */
  owned?: boolean;
  /** Pause between one client's creates (latency pods: a steady trickle, not a burst). */
  paceMs?: number;
}

export interface WatchResult {
  /** First create sent (or the watch opened, when not creating). */
  startMs: number;
  /** The last pod seen reaching `until`. */
  endMs: number;
  /** Per pod: first seen (ADDED), first seen bound, seen reaching `until`, and its creationTimestamp (second resolution). */
  seen: { addedMs: number; doneMs: number; createdMs: number; boundMs: number }[];
  createElapsedMs: number;
  errors: number;
  firstError?: string;
}

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function reached(pod: Pod, until: 'bound' | 'running'): boolean {
  return until === 'bound' ? Boolean(pod.spec?.nodeName) : pod.status?.phase === 'Running';
}

async function createAndWatch(task: CreateAndWatchTask): Promise<WatchResult> {
  const client = new ApiClient({ server: task.url, namespace: task.namespace, insecureSkipTlsVerify: false, files: [] });
  const list = await client.list<Pod>('pods', { namespace: task.namespace });
  const watch = client.watch<Pod>('pods', { namespace: task.namespace, resourceVersion: list.metadata.resourceVersion, reconnect: true });
  // From here on every pod created is seen: the watch starts at the list's revision.
  parentPort?.postMessage({ ready: true });
  const added = new Map<string, number>();
  const bound = new Map<string, number>();
  const done = new Map<string, { doneMs: number; createdMs: number }>();
  let endMs = 0;
  const finished = (async () => {
    for await (const event of watch as AsyncIterable<ApiWatchEvent<Pod>>) {
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') continue;
      const name = event.object.metadata.name!;
      const now = epochNow();
      if (!added.has(name)) added.set(name, now);
      if (!bound.has(name) && event.object.spec?.nodeName) bound.set(name, now);
      if (!done.has(name) && reached(event.object, task.until)) {
        done.set(name, { doneMs: now, createdMs: Date.parse(event.object.metadata.creationTimestamp ?? '') });
        endMs = now;
        if (done.size >= task.pods) return;
      }
    }
  })();
  const startMs = epochNow();
  let errors = 0;
  let firstError: string | undefined;
  let createElapsedMs = 0;
  if (task.create) {
    const pods = makePods(task.pods, { namespace: task.namespace, prefix: 'p-', cpu: '100m', memory: '500Mi', ...(task.owned ? { replicasPerController: 100 } : {}) }).map((pod) => {
      const { uid: _uid, creationTimestamp: _ts, ...metadata } = pod.metadata;
      return { ...pod, metadata, status: {} } as ApiObject;
    });
    const created = await drive(task.pods, task.concurrency, async (i) => {
      try {
        await client.create('pods', pods[i]!, { namespace: task.namespace });
        if (task.paceMs) await new Promise((r) => setTimeout(r, task.paceMs));
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    });
    createElapsedMs = created.elapsedMs;
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), task.timeoutMs).unref());
  const outcome = await Promise.race([finished.then(() => 'done' as const), timeout]);
  watch.stop();
  client.close();
  if (outcome === 'timeout') throw new Error(`only ${done.size} of ${task.pods} pods reached "${task.until}" within ${task.timeoutMs} ms`);
  const seen = [...done].map(([name, d]) => ({ addedMs: added.get(name)!, boundMs: bound.get(name) ?? d.doneMs, ...d }));
  return { startMs, endMs, seen, createElapsedMs, errors, ...(firstError ? { firstError } : {}) };
}

parentPort?.on('message', (task: CreateAndWatchTask) => {
  createAndWatch(task).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
