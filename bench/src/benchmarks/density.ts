// `npm run bench -- density [--pods N] [--nodes N] [--cpu-profile FILE (the Deployment's window, the control plane's thread)]
// [--own-informers (also run the Deployment with the scheduler on informers of its own: what sharing the
// controller manager's saves)]`: kubemark's density test in small. 100 hollow
// nodes (a HollowAgent marks pods Running through the API), the controller manager with
// @corral/plugin-workloads and the scheduler beside the API on the embedded store, and a
// Deployment of 3,000 replicas. Measured by a watcher in a worker thread: the time from the
// Deployment's create to the last pod Running, and each pod's startup latency, from the pod's
// first sighting (ADDED) to the event that shows it Running (creationTimestamp has whole seconds
// only; the latency from it is given too). Baseline in the same run: the same pods created
// directly through the API by 64 clients (no controllers), which shows what the controllers add.
// With the Deployment running, 100 "latency pods" are then created one at a time, 20 a second
// (Kubernetes' density test measures its startup SLO this way: on a loaded cluster, without the
// backlog of a burst).
import { loadavg } from 'node:os';
import type { ApiObject } from '@corral/core';
import { startTestControlPlane, type TestControlPlane } from '@corral/core/testing';
import { cpuMeter, createNamespace, inWorker } from '../scheduler/e2e.js';
import { startCpuProfile, stringOption } from '../scheduler/profile.js';
import type { WatchResult } from '../scheduler/worker.js';
import { latencySummary, round } from '../stats.js';
import type { BenchResult, BenchTarget } from '../types.js';

const NAMESPACE = 'bench-density';
const LATENCY_NAMESPACE = 'bench-density-latency';
const LATENCY_PODS = 100;
const GOAL_P99_MS = 1_000;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function deployment(replicas: number): ApiObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'density', namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'density' } },
      template: {
        metadata: { labels: { app: 'density' } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
      },
    },
  } as ApiObject;
}

async function controlPlane(nodes: number, workloads: boolean, ownInformers = false): Promise<TestControlPlane> {
  return startTestControlPlane({
    ...(workloads ? { plugins: ['@corral/plugin-workloads'] } : { controllers: false }),
    // As `corral server` runs it, the scheduler reads the controller manager's informers; `informers: undefined` gives it its own.
    ...(ownInformers ? { scheduler: { informers: undefined } } : {}),
    hollow: { nodes, leases: true, cpu: '4', memory: '32Gi', pods: 110, concurrency: 64 },
  });
}

function figures(r: WatchResult, startMs: number, pods: number, used: ReturnType<ReturnType<typeof cpuMeter>>) {
  const elapsedMs = r.endMs - startMs;
  return {
    /** CPU time of the whole process per pod, and the control plane thread's busy share: steadier than latencies on a shared machine. */
    processCpuMsPerPod: round(used.cpuMs / pods, 3),
    controlPlaneBusyPercent: round(used.busyPercent, 1),
    pods,
    allRunningMs: round(elapsedMs, 1),
    podsPerSec: round((pods / elapsedMs) * 1000, 0),
    startupLatencyMs: latencySummary(r.seen.map((s) => s.doneMs - s.addedMs)),
    /** The two halves of it: waiting for the scheduler's binding, then for the node to report Running. */
    addedToBoundMs: latencySummary(r.seen.map((s) => s.boundMs - s.addedMs)),
    boundToRunningMs: latencySummary(r.seen.map((s) => s.doneMs - s.boundMs)),
    startupLatencyFromCreationTimestampMs: latencySummary(r.seen.map((s) => Math.max(0, s.doneMs - s.createdMs))),
    createErrors: r.errors,
  };
}

/** The Deployment (or, without the workloads plugin, nothing: undefined). */
async function measureDeployment(nodes: number, pods: number, cpuProfile: string | undefined, ownInformers = false) {
  let cp: TestControlPlane;
  try {
    cp = await controlPlane(nodes, true, ownInformers);
  } catch (err) {
    return { unavailable: `@corral/plugin-workloads could not be loaded: ${err instanceof Error ? err.message.split('\n').slice(0, 3).join(' ') : String(err)}` };
  }
  try {
    await createNamespace(cp, NAMESPACE);
    let startMs = 0;
    const stopProfile = await startCpuProfile(cpuProfile);
    const cpu = cpuMeter();
    const r = await inWorker({ type: 'create-and-watch', url: cp.url, namespace: NAMESPACE, pods, concurrency: 1, until: 'running', create: false, timeoutMs: 240_000 }, () => {
      startMs = performance.timeOrigin + performance.now();
      cp.client.create('deployments', deployment(pods), { namespace: NAMESPACE }).catch((err: unknown) => process.stderr.write(`density: creating the Deployment failed: ${String(err)}\n`));
    });
    const used = cpu();
    await stopProfile();
    await createNamespace(cp, LATENCY_NAMESPACE);
    const latency = await inWorker({ type: 'create-and-watch', url: cp.url, namespace: LATENCY_NAMESPACE, pods: LATENCY_PODS, concurrency: 1, paceMs: 50, until: 'running', create: true, timeoutMs: 120_000 });
    return { ...figures(r, startMs, pods, used), latencyPods: { pods: LATENCY_PODS, ratePerSec: 20, startupLatencyMs: latencySummary(latency.seen.map((s) => s.doneMs - s.addedMs)) } };
  } finally {
    await cp.stop();
  }
}

async function measureDirect(nodes: number, pods: number) {
  const cp = await controlPlane(nodes, false);
  try {
    await createNamespace(cp, NAMESPACE);
    const cpu = cpuMeter();
    const r = await inWorker({ type: 'create-and-watch', url: cp.url, namespace: NAMESPACE, pods, concurrency: 64, until: 'running', create: true, timeoutMs: 240_000 });
    return figures(r, r.startMs, pods, cpu());
  } finally {
    await cp.stop();
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const pods = option(args, 'pods', 3_000);
  const nodes = option(args, 'nodes', 100);
  const load = loadavg()[0]!;
  const viaDeployment = await measureDeployment(nodes, pods, stringOption(args, 'cpu-profile'));
  const direct = await measureDirect(nodes, pods);
  const withOwnInformers = args.includes('--own-informers') ? await measureDeployment(nodes, pods, undefined, true) : undefined;
  const targets: BenchTarget[] = [];
  const measured = 'startupLatencyMs' in viaDeployment ? viaDeployment : undefined;
  const main = measured ?? direct;
  targets.push({
    what: `pod startup latency p99 (ms), ${pods} pods on ${nodes} hollow nodes, ${measured ? 'one Deployment' : 'pods created directly (the workloads plugin was not usable)'}; baseline: the same pods created directly by 64 clients`,
    value: main.startupLatencyMs.p99,
    baseline: direct.startupLatencyMs.p99,
    target: `<= ${GOAL_P99_MS} ms`,
    met: main.startupLatencyMs.p99 <= GOAL_P99_MS,
  });
  if (measured && 'latencyPods' in measured) {
    targets.push({
      what: `pod startup latency p99 (ms) of ${LATENCY_PODS} latency pods created one by one at 20/s beside the running Deployment`,
      value: measured.latencyPods.startupLatencyMs.p99,
      target: `<= ${GOAL_P99_MS} ms`,
      met: measured.latencyPods.startupLatencyMs.p99 <= GOAL_P99_MS,
    });
  }
  return {
    name: 'density',
    results: {
      setup: `${nodes} hollow nodes (4 CPU / 32Gi / 110 pods, node leases renewed), pods of 100m / 500Mi, the embedded store; controllers, scheduler, API and hollow agent in one process, the watcher in a worker thread`,
      workload: measured ? 'deployment' : 'pods',
      loadAverageAtStart: round(load, 2),
      deployment: viaDeployment,
      ...(withOwnInformers ? { deploymentSchedulerOnOwnInformers: withOwnInformers } : {}),
      directPodsBaseline: direct,
    },
    targets,
  };
}
