import type { Condition, Node, Pod, Service } from '../api/index.js';
import type { SchedulerProfile } from '../kernel/index.js';

// The scheduler's I/O, as interfaces: it is told about the cluster (SchedulerSource), writes
// bindings through a Binder and reports outcomes through SchedulerEvents. Informers and the API
// client plug in here; tests and benchmarks plug in fakes.

/** What the scheduler is told about the cluster (later: by informers). */
export interface SchedulerSource {
  addPod(pod: Pod): void;
  updatePod(oldPod: Pod, newPod: Pod): void;
  deletePod(pod: Pod): void;
  addNode(node: Node): void;
  updateNode(oldNode: Node, newNode: Node): void;
  deleteNode(node: Node): void;
  /** Services only feed default spreading (the pods a Service selects spread across nodes). */
  addService(service: Service): void;
  updateService(oldService: Service, newService: Service): void;
  deleteService(service: Service): void;
}

/** Writes a binding (later: POST pods/{name}/binding). Rejects when the API refuses it. */
export interface Binder {
  bind(pod: Pod, nodeName: string): Promise<void>;
}

/**
 * Outcomes the caller turns into API writes: the pod's PodScheduled condition and Events.
 * Calls are not awaited by the scheduling cycle; a rejection is logged.
 */
export interface SchedulerEvents {
  /**
   * The pod could not be placed, or failed to bind: set `condition` (PodScheduled=False, reason
   * Unschedulable or SchedulerError) and emit a Warning Event "FailedScheduling" with `message`.
   */
  unschedulable(pod: Pod, message: string, condition: Condition): void | Promise<void>;
  /** The pod is bound: emit a Normal Event "Scheduled" (see `scheduledMessage`). */
  scheduled(pod: Pod, nodeName: string): void | Promise<void>;
}

// Time and timers, replaceable in tests: the same clock as the client's queues.
import type { Clock } from '../client/informer/clock.js';
export { realClock, type Clock } from '../client/informer/clock.js';

export interface SchedulerLogger {
  error(message: string): void;
}

export interface SchedulerOptions {
  /** The profiles pods pick by `spec.schedulerName` (`corral.schedulerProfiles`). */
  readonly profiles: ReadonlyMap<string, SchedulerProfile>;
  readonly binder: Binder;
  readonly events?: SchedulerEvents;
  /**
   * Stop filtering once this percentage of the nodes fit (at least 100 nodes). 0, the default,
   * is Kubernetes' adaptive value: 50% minus 1% per 125 nodes, at least 5%.
   */
  readonly percentageOfNodesToScore?: number;
  /** Reuse preFilter state and filter answers between identical pods (default true). */
  readonly reuseResults?: boolean;
  /** Backoff after a failed attempt: doubles per attempt from the initial value up to the max. Default 1 s .. 10 s. */
  readonly podInitialBackoffMs?: number;
  readonly podMaxBackoffMs?: number;
  /** An unschedulable pod is retried after this long even without a cluster event. Default 60 s. */
  readonly unschedulableTimeoutMs?: number;
  /** A bound pod that no informer confirmed is dropped from the cache after this long. Default 30 s. */
  readonly assumedPodTtlMs?: number;
  readonly clock?: Clock;
  /** In [0, 1): breaks ties between equally scored nodes. */
  readonly random?: () => number;
  readonly logger?: SchedulerLogger;
}

/** What one scheduling cycle did with a pod. */
export type CycleOutcome =
  | { readonly result: 'assumed'; readonly pod: Pod; readonly nodeName: string }
  | { readonly result: 'unschedulable' | 'error'; readonly pod: Pod; readonly message: string }
  | { readonly result: 'skipped'; readonly pod: Pod };

export interface SchedulerStats {
  /** Scheduling cycles run. */
  readonly cycles: number;
  readonly bound: number;
  readonly failed: number;
  /** Nodes looked at by filter, summed over cycles (what sampling saves). */
  readonly nodesEvaluated: number;
  /** Of those, answered from the equivalence cache instead of running the filter plugins. */
  readonly filterAnswersReused: number;
  /** Cycles that reused preFilter state from an identical pod. */
  readonly preFilterReused: number;
}

/** The "Scheduled" event's message, as Kubernetes words it. */
export function scheduledMessage(pod: Pod, nodeName: string): string {
  return `Successfully assigned ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name} to ${nodeName}`;
}

/** The profile a pod asks for. */
export function schedulerNameOf(pod: Pod): string {
  return pod.spec.schedulerName || 'default-scheduler';
}
