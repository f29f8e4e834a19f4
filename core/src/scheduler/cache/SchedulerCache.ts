import type { Node, Pod, Service } from '../../api/index.js';
import { podResources } from '../resources.js';
import type { Clock } from '../types.js';
import { bump, keyOf, NodeInfoRecord } from './NodeInfoRecord.js';

interface PodState {
  pod: Pod;
  nodeName: string;
  /** Placed by this scheduler and not yet confirmed by an informer. */
  assumed: boolean;
  /** Set once binding finished: when to drop an assumed pod nobody confirmed. */
  deadline?: number;
}

/**
 * The scheduler's picture of the cluster: a NodeInfo per node with its pods and aggregates,
 * updated incrementally. Pods the scheduler placed are "assumed" here at once, so the next cycle
 * sees their resources in use while the binding is written; the informer's add confirms them,
 * a failed binding forgets them, and an unconfirmed one expires after the TTL.
 */
export class SchedulerCache {
  private readonly records = new Map<string, NodeInfoRecord>();
  private list: NodeInfoRecord[] = [];
  private listStale = false;
  private version = 0;
  private readonly pods = new Map<string, PodState>();
  /** Controller uid → node name → its pods there (spreading counts replicas per domain). */
  private readonly placement = new Map<string, Map<string, number>>();
  private readonly servicesByNamespace = new Map<string, Map<string, Service>>();

  constructor(
    private readonly clock: Clock,
    private readonly assumedPodTtlMs: number,
  ) {}

  // ------------------------------------------------------------------ nodes

  /** The nodes, in a stable order that changes only when a node is added or removed. */
  nodeList(): readonly NodeInfoRecord[] {
    if (this.listStale) {
      this.list = [...this.records.values()].filter((r) => r.present);
      this.listStale = false;
    }
    return this.list;
  }

  /** Changes whenever `nodeList()`'s membership or order does. */
  get listVersion(): number {
    return this.version;
  }

  nodeInfo(name: string): NodeInfoRecord | undefined {
    const r = this.records.get(name);
    return r?.present ? r : undefined;
  }

  addNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const record = this.record(name);
    if (!record.present) this.membershipChanged();
    record.setNode(node);
  }

  updateNode(_oldNode: Node, node: Node): void {
    this.addNode(node);
  }

  deleteNode(node: Node): void {
    const record = this.records.get(node.metadata.name ?? '');
    if (!record?.present) return;
    record.present = false;
    if (record.pods.length === 0) this.records.delete(record.name);
    this.membershipChanged();
  }

  // ------------------------------------------------------------------ pods

  /** Places a pod this scheduler chose (it has spec.nodeName) before its binding is written. */
  assumePod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.pods.has(key)) throw new Error(`pod ${key} is already in the scheduler cache; it cannot be assumed again`);
    this.place(key, { pod, nodeName: pod.spec.nodeName ?? '', assumed: true });
  }

  /** The binding was written: start the clock for the informer to confirm it. */
  finishBinding(pod: Pod): void {
    const state = this.pods.get(keyOf(pod));
    if (state?.assumed && this.assumedPodTtlMs > 0) state.deadline = this.clock.now() + this.assumedPodTtlMs;
  }

  /** Drops an assumed pod whose reservation or binding failed. */
  forgetPod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.pods.get(key)?.assumed) this.unplace(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.pods.get(keyOf(pod))?.assumed === true;
  }

  /** Whether the pod is on a node here (bound or assumed). */
  has(pod: Pod): boolean {
    return this.pods.has(keyOf(pod));
  }

  /** A bound pod (spec.nodeName set) from the informer; confirms it if it was assumed. */
  addPod(pod: Pod): void {
    const key = keyOf(pod);
    const known = this.pods.get(key);
    if (known) this.unplace(key);
    this.place(key, { pod, nodeName: pod.spec.nodeName ?? '', assumed: false });
  }

  updatePod(_oldPod: Pod, pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.pods.has(key)) this.unplace(key);
  }

  /** Drops assumed pods whose binding finished more than the TTL ago without confirmation. */
  cleanupExpiredAssumedPods(): number {
    const now = this.clock.now();
    let expired = 0;
    for (const [key, state] of this.pods) {
      if (state.assumed && state.deadline !== undefined && state.deadline <= now) {
        this.unplace(key);
        expired++;
      }
    }
    return expired;
  }

  get podCount(): number {
    return this.pods.size;
  }

  get assumedCount(): number {
    let n = 0;
    for (const s of this.pods.values()) if (s.assumed) n++;
    return n;
  }

  controllerPlacement(uid: string): ReadonlyMap<string, number> {
    return this.placement.get(uid) ?? EMPTY;
  }

  // ------------------------------------------------------------------ services

  addService(service: Service): void {
    const ns = service.metadata.namespace ?? 'default';
    let map = this.servicesByNamespace.get(ns);
    if (!map) this.servicesByNamespace.set(ns, (map = new Map()));
    map.set(service.metadata.name ?? '', service);
  }

  deleteService(service: Service): void {
    this.servicesByNamespace.get(service.metadata.namespace ?? 'default')?.delete(service.metadata.name ?? '');
  }

  services(namespace: string): readonly Service[] {
    const map = this.servicesByNamespace.get(namespace);
    return map ? [...map.values()] : [];
  }

  // ------------------------------------------------------------------ internals

  private record(name: string): NodeInfoRecord {
    let r = this.records.get(name);
    if (!r) this.records.set(name, (r = new NodeInfoRecord(name)));
    return r;
  }

  private membershipChanged(): void {
    this.listStale = true;
    this.version++;
  }

  private place(key: string, state: PodState): void {
    this.pods.set(key, state);
    this.record(state.nodeName).addPod(key, state.pod);
    this.trackPlacement(state, 1);
  }

  private unplace(key: string): void {
    const state = this.pods.get(key)!;
    this.pods.delete(key);
    const record = this.records.get(state.nodeName);
    record?.removePod(key);
    if (record && !record.present && record.pods.length === 0) this.records.delete(record.name);
    this.trackPlacement(state, -1);
  }

  private trackPlacement(state: PodState, sign: 1 | -1): void {
    const r = podResources(state.pod);
    if (!r.controller || r.terminating) return;
    let nodes = this.placement.get(r.controller);
    if (!nodes) {
      if (sign < 0) return;
      this.placement.set(r.controller, (nodes = new Map()));
    }
    bump(nodes, state.nodeName, sign);
    if (nodes.size === 0) this.placement.delete(r.controller);
  }
}

const EMPTY: ReadonlyMap<string, number> = new Map();
