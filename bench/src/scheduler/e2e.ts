// The scheduler end to end: the API server on the embedded store, the scheduler wired to it
// through informers and pods/binding (as `corral server` runs them, in one process), hollow nodes
// registered by a HollowAgent (which leaves pods alone: only binding is measured), and a worker
// thread that creates the pods in parallel through the API and watches them get bound.
import { Worker } from 'node:worker_threads';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { latencySummary, round } from '../stats.js';
import { startCpuProfile } from './profile.js';
import type { CreateAndWatchTask, WatchResult } from './worker.js';

/** Runs one task in a fresh worker thread. */
export async function inWorker(task: CreateAndWatchTask, onReady?: () => void): Promise<WatchResult> {
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  try {
    return await new Promise<WatchResult>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (msg: { ready?: boolean; ok?: boolean; result?: WatchResult; error?: string }) => {
        if (msg.ready) return onReady?.();
        if (msg.ok) resolve(msg.result!);
        else reject(new Error(`load worker: ${msg.error}`));
      });
      worker.postMessage(task);
    });
  } finally {
    await worker.terminate();
  }
}

/** Starts measuring this process's CPU time and this thread's event loop; the call ends it. */
export function cpuMeter(): () => { cpuMs: number; busyMs: number; busyPercent: number } {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, busyMs: elu.active, busyPercent: 100 * elu.utilization };
  };
}

export async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function createNamespace(cp: TestControlPlane, name: string): Promise<void> {
  await cp.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export interface EndToEndOptions {
  nodes: number;
  pods: number;
  /** Creating clients in parallel. */
  concurrency: number;
  /** Write Scheduled Events (as kube-scheduler does). */
  events: boolean;
  /** Write them unpaced (as fast as the sink's 4 writers go; its queue bound still applies): what pacing saves. */
  eventsUnpaced?: boolean;
  /** Write a CPU profile of the measured window to this file. */
  cpuProfile?: string;
}

export async function measureEndToEnd(options: EndToEndOptions) {
  const registerStart = Date.now();
  const cp = await startTestControlPlane({
    controllers: false,
    scheduler: { events: options.events, ...(options.eventsUnpaced ? { eventSink: { qps: 0 } } : {}) },
    hollow: { nodes: options.nodes, leases: false, runPods: false, cpu: '4', memory: '32Gi', pods: 110, concurrency: 64 },
  });
  try {
    const registerMs = Date.now() - registerStart;
    await until('the scheduler to see every node', () => cp.scheduler?.scheduler?.cache.nodeList().length === options.nodes, 60_000);
    await createNamespace(cp, 'bench-sched');
    const stopProfile = await startCpuProfile(options.cpuProfile);
    const cpu = cpuMeter();
    const r = await inWorker({ type: 'create-and-watch', url: cp.url, namespace: 'bench-sched', pods: options.pods, concurrency: options.concurrency, until: 'bound', create: true, owned: true, timeoutMs: 240_000 });
    const elapsedMs = r.endMs - r.startMs;
    const used = cpu();
    await stopProfile();
    const stats = cp.scheduler!.scheduler!.stats();
    return {
      nodes: options.nodes,
      pods: options.pods,
      clients: options.concurrency,
      events: options.events ? (options.eventsUnpaced ? 'unpaced' : 'paced') : 'none',
      elapsedMs: round(elapsedMs, 1),
      podsPerSec: round((options.pods / elapsedMs) * 1000, 0),
      createsPerSec: round((options.pods / r.createElapsedMs) * 1000, 0),
      createErrors: r.errors,
      ...(r.firstError ? { firstCreateError: r.firstError } : {}),
      /** From the pod's ADDED event to the event that shows it bound, both seen by the watcher. */
      addedToBoundMs: latencySummary(r.seen.map((s) => s.doneMs - s.addedMs)),
      /** CPU time of the whole process (control plane and creating clients) per pod: steadier than pods/s on a shared machine. */
      processCpuMsPerPod: round(used.cpuMs / options.pods, 3),
      /** The control plane's thread: busy share of the run, and its busy time per pod. */
      controlPlaneBusyPercent: round(used.busyPercent, 1),
      controlPlaneBusyMsPerPod: round(used.busyMs / options.pods, 3),
      schedulerCycles: stats.cycles,
      nodesFilteredPerPod: round(stats.nodesEvaluated / Math.max(1, stats.cycles), 1),
      filterAnswersReusedPercent: round((100 * stats.filterAnswersReused) / Math.max(1, stats.nodesEvaluated), 1),
      preFilterReusedPercent: round((100 * stats.preFilterReused) / Math.max(1, stats.cycles), 1),
      schedulerFailures: stats.failed,
      /** What the scheduler's event sink did with the Scheduled events: written, coalesced, dropped under load. */
      ...(options.events ? { scheduledEvents: cp.scheduler!.eventStats() } : {}),
      setupMs: registerMs,
    };
  } finally {
    await cp.stop();
  }
}
