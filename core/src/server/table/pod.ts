// The Pod row: READY, STATUS and RESTARTS summarise the containers the way kubectl does, so the
// STATUS column says CrashLoopBackOff, Init:1/2, Completed or Terminating rather than the phase.

import type { Condition, ContainerStatus, Pod } from '../../api/index.js';
import { age } from './age.js';
import { ageColumn, column, nameColumn, nameOf, NONE, wide } from './format.js';
import type { PrintContext, Printer, TableRowCondition } from './types.js';

const RESTARTABLE = 'Always'; // an init container with restartPolicy Always is a sidecar

export const podPrinter: Printer<Pod> = {
  columns: [
    nameColumn,
    column('Ready', 'Ready containers out of all containers, sidecars included.'),
    column('Status', "The pod's state summarised from its phase and its containers' states."),
    column('Restarts', 'Container restarts, and how long ago the last one was.'),
    ageColumn,
    column('IP', "The pod's IP address.", wide),
    column('Node', 'The node the pod is bound to.', wide),
    column('Nominated Node', 'The node where the pod is expected to run after preemption.', wide),
    column('Readiness Gates', 'Readiness gates that report True, out of all.', wide),
  ],
  cells(pod, ctx) {
    const { ready, total, status, restarts } = summarise(pod, ctx);
    const podIP = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || NONE;
    // Fields Kubernetes has and Corral's types do not (yet): read them loosely.
    const looseSpec = (pod.spec ?? {}) as unknown as Record<string, unknown>;
    const looseStatus = (pod.status ?? {}) as Record<string, unknown>;
    const gates = (looseSpec['readinessGates'] as { conditionType: string }[] | undefined) ?? [];
    const conditionTrue = (type: string): boolean => pod.status?.conditions?.find((c) => c.type === type)?.status === 'True';
    const trueGates = gates.filter((g) => conditionTrue(g.conditionType));
    return [
      nameOf(pod.metadata),
      `${ready}/${total}`,
      status,
      restarts,
      age(pod.metadata.creationTimestamp, ctx.now),
      podIP,
      pod.spec?.nodeName || NONE,
      (looseStatus['nominatedNodeName'] as string | undefined) || NONE,
      gates.length === 0 ? NONE : `${trueGates.length}/${gates.length}`,
    ];
  },
  conditions(pod): TableRowCondition[] | undefined {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded') {
      return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    }
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};

interface Summary {
  ready: number;
  total: number;
  status: string;
  restarts: string;
}

function summarise(pod: Pod, ctx: PrintContext): Summary {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  const isSidecar = (name: string): boolean =>
    (initSpecs.get(name) as Record<string, unknown> | undefined)?.['restartPolicy'] === RESTARTABLE;

  const total = (spec.containers ?? []).length + [...initSpecs.keys()].filter(isSidecar).length;
  let ready = 0;
  let reason: string = status.reason || status.phase || '';
  if (hasCondition(status.conditions, 'PodScheduled', (c) => c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    if (isSidecar(cs.name)) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (isSidecar(cs.name) && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) {
      reason = 'Init:' + (terminated.reason || exitDescription(terminated.signal, terminated.exitCode));
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = 'Init:' + waiting.reason;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status.conditions, 'Initialized', (c) => c.status === 'True')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Backwards, so the first container's state is the one the column shows.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const { waiting, terminated, running } = cs.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = exitDescription(terminated.signal, terminated.exitCode);
      else if (cs.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = hasCondition(status.conditions, 'Ready', (c) => c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart > 0
    ? `${restarts} (${age(new Date(lastRestart).toISOString(), ctx.now)} ago)`
    : String(restarts);
  return { ready, total, status: reason, restarts: restartText };
}

function hasCondition(conditions: Condition[] | undefined, type: string, test: (c: Condition) => boolean): boolean {
  const found = conditions?.find((c) => c.type === type);
  return found !== undefined && test(found);
}

function exitDescription(signal: number | undefined, exitCode: number): string {
  return signal ? `Signal:${signal}` : `ExitCode:${exitCode}`;
}

/** When the container's previous run ended, in ms since the epoch (0 when unknown). */
function finishedAt(cs: ContainerStatus): number {
  const at = cs.lastState?.terminated?.finishedAt;
  const ms = at ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}
