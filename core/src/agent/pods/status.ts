import type { Condition, Container, ContainerState, ContainerStatus, Pod, PodPhase, PodStatus } from '../../api/types.js';
import type { ContainerStatus as RuntimeContainer } from '../../kernel/contracts/runtime.js';
import { instancesOf, restartCountOf, type PodRuntimeState } from './runtimeState.js';

// The pod's status as kubelet reports it, computed from what the runtime runs, the probes'
// results and why containers wait; written only when it differs from what the API holds.

export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInputs {
  pod: Pod;
  state: PodRuntimeState;
  runtimeName: string;
  podIP?: string;
  hostIP: string;
  /** Why a container that is not running waits, by container name. */
  waiting: ReadonlyMap<string, Waiting>;
  ready(containerId: string): boolean;
  started(containerId: string): boolean | undefined;
  now: string;
  /** When the agent first saw the pod (kept across syncs whose cache lags behind). */
  startTime: string;
}

function iso(ms: number | undefined, fallback: string): string {
  return ms !== undefined ? new Date(ms).toISOString() : fallback;
}

function terminated(c: RuntimeContainer, runtimeName: string, now: string): ContainerState {
  const exitCode = c.exitCode ?? 0;
  return {
    terminated: {
      exitCode,
      reason: c.reason && c.reason !== '' ? c.reason : exitCode === 0 ? 'Completed' : 'Error',
      ...(c.message ? { message: c.message } : {}),
      startedAt: iso(c.startedAt, now),
      finishedAt: iso(c.finishedAt, now),
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

function containerStatus(spec: Container, inputs: StatusInputs, initializing: boolean): ContainerStatus {
  const [latest, previous] = instancesOf(inputs.state, spec.name);
  const waiting = inputs.waiting.get(spec.name);
  const base = { name: spec.name, image: spec.image ?? '', imageID: latest?.imageRef ?? '', restartCount: latest ? restartCountOf(latest) : 0 };
  if (!latest) {
    const reason = waiting ?? { reason: initializing ? 'PodInitializing' : 'ContainerCreating' };
    return { ...base, state: { waiting: reason }, ready: false, started: false };
  }
  const containerID = `${inputs.runtimeName}://${latest.id}`;
  if (latest.state === 'CONTAINER_RUNNING') {
    // Without probes (or before they report) a running container counts as started and ready.
    const started = spec.startupProbe ? inputs.started(latest.id) === true : true;
    const ready = started && (spec.readinessProbe ? inputs.ready(latest.id) : true);
    const status: ContainerStatus = {
      ...base,
      containerID,
      state: { running: { startedAt: iso(latest.startedAt, inputs.now) } },
      ready,
      started,
    };
    if (previous && previous.state === 'CONTAINER_EXITED') status.lastState = terminated(previous, inputs.runtimeName, inputs.now);
    return status;
  }
  if (latest.state === 'CONTAINER_EXITED') {
    // Exited and about to restart (or backing off): waiting, with the exit as its last state.
    if (waiting) return { ...base, containerID, state: { waiting }, lastState: terminated(latest, inputs.runtimeName, inputs.now), ready: false, started: false };
    const status: ContainerStatus = { ...base, containerID, state: terminated(latest, inputs.runtimeName, inputs.now), ready: false, started: false };
    if (previous && previous.state === 'CONTAINER_EXITED') status.lastState = terminated(previous, inputs.runtimeName, inputs.now);
    return status;
  }
  return { ...base, containerID, state: { waiting: waiting ?? { reason: 'ContainerCreating' } }, ready: false, started: false };
}

function hasExited(s: ContainerStatus): boolean {
  return s.state?.terminated !== undefined || s.lastState?.terminated !== undefined;
}

/** kubelet's getPhase. */
export function podPhase(pod: Pod, init: ContainerStatus[], app: ContainerStatus[]): PodPhase {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const initFailed = init.some((s) => s.state?.terminated && s.state.terminated.exitCode !== 0);
  if (initFailed && policy === 'Never') return 'Failed';
  const initDone = init.every((s) => s.state?.terminated?.exitCode === 0);
  if (!initDone) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of app) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting && hasExited(s)) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, reason: string | undefined, message: string | undefined, previous: Condition[] | undefined, now: string): Condition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  const lastTransitionTime = before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
  return { type, status, lastTransitionTime, ...(ok ? {} : { reason, message }) };
}

export function computePodStatus(inputs: StatusInputs): PodStatus {
  const { pod, now } = inputs;
  const previous = pod.status?.conditions;
  const initStatuses = (pod.spec.initContainers ?? []).map((c) => containerStatus(c, inputs, true));
  const initialized = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const appStatuses = pod.spec.containers.map((c) => containerStatus(c, inputs, !initialized));
  const phase = podPhase(pod, initStatuses, appStatuses);
  const incompleteInit = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const unready = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = unready.length === 0 && !terminal;
  const notReady = terminal ? ['PodCompleted', ''] : ['ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`];
  const conditions: Condition[] = [
    condition('Initialized', incompleteInit.length === 0, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`, previous, now),
    condition('Ready', containersReady, notReady[0], notReady[1] || undefined, previous, now),
    condition('ContainersReady', containersReady, notReady[0], notReady[1] || undefined, previous, now),
    previous?.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
  ];
  // Conditions others own (DisruptionTarget, readiness gates) stay as they are.
  const own = new Set(conditions.map((c) => c.type));
  for (const c of previous ?? []) if (!own.has(c.type)) conditions.push(c);
  const status: PodStatus = {
    ...pod.status,
    phase,
    conditions,
    hostIP: inputs.hostIP,
    startTime: pod.status?.startTime ?? inputs.startTime,
    containerStatuses: appStatuses,
  };
  if (inputs.podIP) {
    status.podIP = inputs.podIP;
    status.podIPs = [{ ip: inputs.podIP }];
  }
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  delete status.reason;
  delete status.message;
  return status;
}
