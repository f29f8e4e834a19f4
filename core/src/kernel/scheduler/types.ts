import type { Schema } from 'joi';
import type { Node, Pod, Service } from '../../api/index.js';
import type { CycleState } from './CycleState.js';

// The scheduling framework's contracts, after kube-scheduler's framework/interface.go: one small
// interface per extension point, one result type. A scheduler plugin implements any subset.

/**
 * - Success: the plugin is content.
 * - Unschedulable: this node (or this pod now) does not fit; may change when the cluster does.
 * - UnschedulableAndUnresolvable: does not fit and preemption cannot help.
 * - Error: the plugin failed; the pod is retried with backoff.
 * - Skip: from preFilter / preScore: this plugin has nothing to do for this pod, so its filter /
 *   score is not called in this cycle. From bind: not mine, ask the next bind plugin.
 * - Wait: from permit: hold the pod until allowed, rejected, or the timeout.
 */
export type ScheduleCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip' | 'Wait';

export interface ScheduleStatus {
  readonly code: ScheduleCode;
  /** Human reasons, shown in the pod's events ("node(s) had untolerated taint"). */
  readonly reasons?: readonly string[];
  /** The plugin that answered; plugins set it so the scheduler can say who refused. */
  readonly plugin?: string;
}

/** A status that stops the cycle. */
export interface FailureStatus extends ScheduleStatus {
  readonly code: 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';
}

export function unschedulable(plugin: string, ...reasons: string[]): FailureStatus {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): FailureStatus {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

export function scheduleError(plugin: string, ...reasons: string[]): FailureStatus {
  return { code: 'Error', reasons, plugin };
}

/**
 * Amounts of compute resources: CPU in millicores, memory and ephemeral storage in bytes, every
 * other (extended) resource in its own integer unit.
 */
export interface ResourceAmounts {
  readonly milliCpu: number;
  readonly memory: number;
  readonly ephemeralStorage: number;
  /** Extended resources by name (`nvidia.com/gpu`, `hugepages-2Mi`, ...); absent means 0. */
  readonly scalar: ReadonlyMap<string, number>;
}

/** Host ports in use on one node. */
export interface HostPortUsage {
  /**
   * Whether a pod asking for `hostIP:port/protocol` would clash: the same port and protocol on
   * the same IP, and 0.0.0.0 (or an empty IP) on either side clashes with every IP.
   */
  conflicts(hostIP: string | undefined, protocol: string | undefined, port: number): boolean;
  /** How many (IP, protocol, port) entries are in use. */
  readonly size: number;
}

/**
 * The scheduler's view of one node, its pods, and aggregates kept up to date as pods come and
 * go (bound, assumed or removed). Read-only to plugins: the scheduler owns and updates it.
 */
export interface NodeInfo {
  readonly name: string;
  readonly node: Node;
  /** Pods bound to (or assumed on) this node. */
  readonly pods: readonly Pod[];
  /**
   * Changes whenever anything here changes (a pod added, removed or assumed, the Node updated).
   * Equal generations mean equal contents, so results computed from a NodeInfo can be reused.
   */
  readonly generation: number;
  /** `status.allocatable` (else `capacity`), parsed. */
  readonly allocatable: ResourceAmounts;
  /** `allocatable.pods`: how many pods the node accepts. */
  readonly allowedPodNumber: number;
  /** The sum of the requests of the pods here (init containers counted as Kubernetes does). */
  readonly requested: ResourceAmounts;
  /**
   * As `requested` for CPU and memory, but a container that requests none counts as 100m CPU
   * and 200Mi memory (Kubernetes' defaults for scoring), so empty requests still spread.
   */
  readonly nonZeroRequested: { readonly milliCpu: number; readonly memory: number };
  readonly usedPorts: HostPortUsage;
  /** Pods here that are not terminating, per controller (the owner reference with `controller: true`), by the owner's uid. */
  readonly podsByController: ReadonlyMap<string, number>;
  /** Container images of the pods here, with how many pods use each. */
  readonly images: ReadonlyMap<string, number>;
}

/** A pod held by a permit plugin's Wait; any plugin may allow or reject it. */
export interface WaitingPod {
  readonly pod: Pod;
  readonly nodeName: string;
  /** Lets the pod go on to binding. */
  allow(plugin: string): void;
  /** Refuses the binding: the pod is unreserved and goes back to the queue. */
  reject(plugin: string, message: string): void;
}

/**
 * What the scheduler offers plugins during a cycle (kube-scheduler's framework handle): the
 * snapshot of the cluster, the binding call, the pods held by permit. Read it with
 * `schedulerHandle(state)`; the scheduler writes it into every CycleState.
 */
export interface SchedulerHandle {
  /** Every node with its NodeInfo, in the scheduler's order. Read-only. */
  readonly nodes: readonly NodeInfo[];
  nodeInfo(name: string): NodeInfo | undefined;
  /** The Services of a namespace (default spreading groups the pods a Service selects). */
  services(namespace: string): readonly Service[];
  /** The nodes running pods of a controller (by the owner's uid), with how many: a cheap way to count replicas per topology domain. */
  controllerPlacement(controllerUid: string): ReadonlyMap<string, number>;
  /** Writes the binding of the pod to the node (the API's `pods/binding`): what a bind plugin calls. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** The pod held by a permit Wait, by uid. */
  waitingPod(uid: string): WaitingPod | undefined;
}

/** The CycleState key under which the scheduler puts its SchedulerHandle. */
export const SCHEDULER_HANDLE_KEY = 'corral.dev/scheduler-handle';

/** The scheduler's handle from a cycle's state; throws when the cycle is not run by the scheduler. */
export function schedulerHandle(state: CycleState): SchedulerHandle {
  const handle = state.read<SchedulerHandle>(SCHEDULER_HANDLE_KEY);
  if (!handle) throw new Error(`this CycleState carries no scheduler handle (key "${SCHEDULER_HANDLE_KEY}"): the plugin must run inside Corral's scheduler`);
  return handle;
}

/**
 * The scheduler reuses filter answers between identical pods (same spec, labels, annotations
 * and owner) while a node's generation is unchanged, and reuses the state preFilter wrote. A
 * preFilter whose answers depend on more than the pod and that one node (other nodes' pods,
 * like inter-pod affinity) writes this key (any value) to turn reuse off for the cycle.
 */
export const CLUSTER_DEPENDENT_KEY = 'corral.dev/cluster-dependent';

/** A pod waiting in the scheduling queue. */
export interface QueuedPodInfo {
  readonly pod: Pod;
  /** When it entered the queue, in ms since the epoch. */
  readonly timestamp: number;
  readonly attempts: number;
}

export interface NodeScore {
  readonly name: string;
  score: number;
}

/** The highest score after normalization; weights multiply it. */
export const MAX_NODE_SCORE = 100;

/** Node name → weighted score sum; the score hook adds every plugin's contribution into it. */
export type ScoreTotals = Map<string, number>;

/** Node name → why it was filtered out; handed to postFilter. */
export type NodeStatusMap = ReadonlyMap<string, FailureStatus>;

/** What postFilter (preemption) may answer: the node to nominate for the pod. */
export interface PostFilterResult {
  readonly nominatedNodeName: string;
}

/** Wait for up to `timeoutMs` before the pod may bind. */
export interface WaitStatus extends ScheduleStatus {
  readonly code: 'Wait';
  readonly timeoutMs: number;
}

/** The permit hook's combined answer: allow, wait (longest timeout wins), or the first refusal. */
export type PermitDecision = { readonly code: 'Success' } | WaitStatus | FailureStatus;

/** Orders the scheduling queue. Exactly one per scheduler (all profiles share it). */
export interface QueueSortPlugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/**
 * Runs once per cycle before filter; computes what filter reads back from the CycleState. Its
 * state may be shared by identical pods (see CLUSTER_DEPENDENT_KEY): keep it immutable, or
 * Cloneable.
 */
export interface PreFilterPlugin {
  preFilter(pod: Pod, state: CycleState): ScheduleStatus | undefined;
}

/**
 * Says whether the pod fits one node; `undefined` means it fits. Called for every node in every
 * cycle, so it must be cheap and must not do I/O: read what preFilter stored. Its answer must
 * depend only on the pod (not its name or uid), the NodeInfo and the preFilter state: the
 * scheduler reuses it for identical pods while the node's generation is unchanged.
 */
export interface FilterPlugin {
  filter(pod: Pod, node: NodeInfo, state: CycleState): FailureStatus | undefined;
}

/** Runs when no node fits (preemption): may nominate a node after making room on it. */
export interface PostFilterPlugin {
  postFilter(pod: Pod, state: CycleState, filtered: NodeStatusMap): Promise<PostFilterResult | undefined> | PostFilterResult | undefined;
}

/** Runs once per cycle before score, with the nodes that passed filter. */
export interface PreScorePlugin {
  preScore(pod: Pod, nodes: readonly NodeInfo[], state: CycleState): ScheduleStatus | undefined;
}

/**
 * Ranks one feasible node. Scores must lie in [0, MAX_NODE_SCORE] once `normalizeScore` (if
 * any) ran over all of them; the profile's weight multiplies them. Cheap, like filter.
 */
export interface ScorePlugin {
  score(pod: Pod, node: NodeInfo, state: CycleState): number;
  normalizeScore?(scores: NodeScore[], pod: Pod, state: CycleState): void;
}

/**
 * Claims resources on the chosen node before binding. If any reserve fails, or a later step
 * does, every reserve plugin's `unreserve` runs (in reverse order); it must be idempotent.
 */
export interface ReservePlugin {
  reserve(pod: Pod, nodeName: string, state: CycleState): Promise<FailureStatus | undefined> | FailureStatus | undefined;
  unreserve(pod: Pod, nodeName: string, state: CycleState): Promise<void> | void;
}

/** Allows, delays (Wait) or refuses binding; `undefined` allows. Must answer quickly. */
export interface PermitPlugin {
  permit(pod: Pod, nodeName: string, state: CycleState): WaitStatus | FailureStatus | undefined;
}

/** Prepares the node for the pod (volumes, ...) before binding. May be slow. */
export interface PreBindPlugin {
  preBind(pod: Pod, nodeName: string, state: CycleState): Promise<FailureStatus | undefined> | FailureStatus | undefined;
}

/** Binds the pod to the node (the `pods/binding` write); `undefined` or Skip passes to the next. */
export interface BindPlugin {
  bind(pod: Pod, nodeName: string, state: CycleState): Promise<ScheduleStatus | undefined> | ScheduleStatus | undefined;
}

/** Told after a successful bind; informational, errors are logged and ignored. */
export interface PostBindPlugin {
  postBind(pod: Pod, nodeName: string, state: CycleState): Promise<void> | void;
}

/** A scheduler plugin instance: any subset of the extension point interfaces. */
export type SchedulerPlugin = Partial<
  QueueSortPlugin &
    PreFilterPlugin &
    FilterPlugin &
    PostFilterPlugin &
    PreScorePlugin &
    ScorePlugin &
    ReservePlugin &
    PermitPlugin &
    PreBindPlugin &
    BindPlugin &
    PostBindPlugin
>;

/** The extension points a profile configures, in the order a cycle reaches them. */
export const EXTENSION_POINTS = [
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;

export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** The methods a plugin needs for an extension point. */
export const POINT_METHODS: Readonly<Record<ExtensionPoint, readonly (keyof SchedulerPlugin)[]>> = {
  queueSort: ['less'],
  preFilter: ['preFilter'],
  filter: ['filter'],
  postFilter: ['postFilter'],
  preScore: ['preScore'],
  score: ['score'],
  reserve: ['reserve', 'unreserve'],
  permit: ['permit'],
  preBind: ['preBind'],
  bind: ['bind'],
  postBind: ['postBind'],
};

/** What a profile's plugin factories get besides their args. */
export interface FrameworkHandle {
  readonly profileName: string;
}

/**
 * A scheduler plugin as registered through `registerSchedulerPlugins`: found by `name` in
 * profiles, created once per profile with that profile's args (validated against `args`).
 */
export interface SchedulerPluginFactory<A = any> {
  readonly name: string;
  /** Joi schema of the plugin's args (`pluginConfig[].args`); defaults apply. */
  readonly args?: Schema<A>;
  create(args: A, handle: FrameworkHandle): SchedulerPlugin;
}
