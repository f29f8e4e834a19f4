import { randomUUID } from 'node:crypto';
import type { Condition, Node, Pod, Quantity, Taint } from '../api/index.js';
import type { Binder, SchedulerEvents, SchedulerSource } from '../scheduler/index.js';

// Hollow nodes and pods: API objects shaped like the real ones, with nothing behind them, for
// scheduler tests and benchmarks (kubemark's hollow nodes, in memory).

export interface HollowNodeOptions {
  readonly cpu: Quantity;
  readonly memory: Quantity;
  readonly pods: number;
  /** More labels for every node, or per node index. */
  readonly labels?: Record<string, string> | ((index: number) => Record<string, string>);
  readonly taints?: readonly Taint[];
  /** Spread the nodes round-robin over this many zones (label topology.kubernetes.io/zone). */
  readonly zones?: number;
  /** Node names are `${prefix}${index}`; default "hollow-node-". */
  readonly prefix?: string;
}

export function makeHollowNodes(count: number, options: HollowNodeOptions): Node[] {
  const prefix = options.prefix ?? 'hollow-node-';
  return Array.from({ length: count }, (_, i): Node => {
    const name = `${prefix}${i}`;
    const extra = typeof options.labels === 'function' ? options.labels(i) : options.labels;
    const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...extra };
    if (options.zones) labels['topology.kubernetes.io/zone'] = `zone-${i % options.zones}`;
    const resources = { cpu: options.cpu, memory: options.memory, pods: options.pods };
    const ready: Condition = { type: 'Ready', status: 'True', reason: 'HollowReady' };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: randomUUID(), labels },
      spec: options.taints ? { taints: options.taints.map((t) => ({ ...t })) } : {},
      status: { capacity: { ...resources }, allocatable: { ...resources }, conditions: [ready] },
    };
  });
}

export interface HollowPodOptions {
  readonly namespace?: string;
  /** Pod names are `${prefix}${index}`; default "pod-". */
  readonly prefix?: string;
  /** Requests of the one container; none when absent. */
  readonly cpu?: Quantity;
  readonly memory?: Quantity;
  /** Group the pods into ReplicaSets of this many replicas (owner reference with controller: true). */
  readonly replicasPerController?: number;
  readonly labels?: Record<string, string>;
  readonly hostPort?: number;
  readonly schedulerName?: string;
  readonly priority?: number;
  readonly image?: string;
  /** Changes each pod before it is returned. */
  readonly customize?: (pod: Pod, index: number) => Pod;
}

/** Pending pods (no nodeName), ready to hand to a scheduler's addPod. */
export function makePods(count: number, options: HollowPodOptions = {}): Pod[] {
  const prefix = options.prefix ?? 'pod-';
  const namespace = options.namespace ?? 'default';
  const owners = new Map<number, { uid: string; name: string }>();
  return Array.from({ length: count }, (_, i): Pod => {
    const requests: Record<string, Quantity> = {};
    if (options.cpu !== undefined) requests.cpu = options.cpu;
    if (options.memory !== undefined) requests.memory = options.memory;
    const labels: Record<string, string> = { ...options.labels };
    const metadata: Pod['metadata'] = { name: `${prefix}${i}`, namespace, uid: randomUUID(), creationTimestamp: new Date(0).toISOString(), labels };
    if (options.replicasPerController) {
      const group = Math.floor(i / options.replicasPerController);
      let owner = owners.get(group);
      if (!owner) owners.set(group, (owner = { uid: randomUUID(), name: `${prefix}rs-${group}` }));
      labels.app = owner.name;
      metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.name, uid: owner.uid, controller: true }];
    }
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata,
      spec: {
        containers: [
          {
            name: 'c',
            image: options.image ?? 'registry.k8s.io/pause:3.9',
            ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}),
            ...(options.hostPort ? { ports: [{ containerPort: options.hostPort, hostPort: options.hostPort, protocol: 'TCP' as const }] } : {}),
          },
        ],
        schedulerName: options.schedulerName ?? 'default-scheduler',
        ...(options.priority !== undefined ? { priority: options.priority } : {}),
      },
      status: { phase: 'Pending' },
    };
    return options.customize ? options.customize(pod, i) : pod;
  });
}

/**
 * A Binder that keeps bindings in memory and, like the API server plus an informer, tells the
 * scheduler (`source`) that the pod is now bound. `failNext` makes the next binds reject.
 */
export class InMemoryBinder implements Binder {
  /** Pod uid (or namespace/name) → node name. */
  readonly bindings = new Map<string, string>();
  source: SchedulerSource | undefined;
  private failures: string[] = [];

  constructor(source?: SchedulerSource) {
    this.source = source;
  }

  /** The next `count` binds reject with `message`. */
  failNext(count: number, message = 'the API server refused the binding'): void {
    for (let i = 0; i < count; i++) this.failures.push(message);
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw new Error(failure);
    this.bindings.set(pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`, nodeName);
    const pending: Pod = { ...pod, spec: { ...pod.spec } };
    delete pending.spec.nodeName;
    this.source?.updatePod(pending, { ...pod, spec: { ...pod.spec, nodeName } });
  }

  /** How many pods each node got. */
  countsByNode(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const node of this.bindings.values()) counts.set(node, (counts.get(node) ?? 0) + 1);
    return counts;
  }
}

/** SchedulerEvents that remember what they were told. */
export class RecordingEvents implements SchedulerEvents {
  /** FailedScheduling events, in order. */
  readonly failed: { pod: string; message: string; condition: Condition }[] = [];
  /** Scheduled events, in order. */
  readonly bound: { pod: string; node: string }[] = [];

  unschedulable(pod: Pod, message: string, condition: Condition): void {
    this.failed.push({ pod: pod.metadata.name ?? '', message, condition });
  }

  scheduled(pod: Pod, node: string): void {
    this.bound.push({ pod: pod.metadata.name ?? '', node });
  }
}
