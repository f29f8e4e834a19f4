import type { Node, Pod } from '../../api/index.js';
import type { NodeInfo, ResourceAmounts } from '../../kernel/index.js';
import { addAmounts, emptyAmounts, nodeAllocatable, podResources, ZERO_AMOUNTS } from '../resources.js';
import { HostPortSet } from './HostPortSet.js';

/**
 * The cache's mutable NodeInfo: aggregates are updated as pods are added and removed, never
 * recomputed. Plugins see it through the read-only NodeInfo interface.
 */
export class NodeInfoRecord implements NodeInfo {
  node: Node;
  /** False while only pods name this node (not added yet, or deleted with pods left). */
  present = false;
  readonly pods: Pod[] = [];
  generation: number;
  allocatable: ResourceAmounts = ZERO_AMOUNTS;
  allowedPodNumber = 0;
  readonly requested = emptyAmounts();
  readonly nonZeroRequested = { milliCpu: 0, memory: 0 };
  readonly usedPorts = new HostPortSet();
  readonly podsByController = new Map<string, number>();
  readonly images = new Map<string, number>();
  /** Pod key → index in `pods`, for O(1) removal. */
  private readonly index = new Map<string, number>();

  constructor(readonly name: string) {
    this.generation = nextGeneration();
    this.node = { apiVersion: 'v1', kind: 'Node', metadata: { name } };
  }

  setNode(node: Node): void {
    this.node = node;
    this.present = true;
    const { amounts, pods } = nodeAllocatable(node);
    this.allocatable = amounts;
    this.allowedPodNumber = pods;
    this.generation = nextGeneration();
  }

  hasPod(key: string): boolean {
    return this.index.has(key);
  }

  addPod(key: string, pod: Pod): void {
    if (this.index.has(key)) this.removePod(key);
    this.index.set(key, this.pods.length);
    this.pods.push(pod);
    this.account(pod, 1);
    this.generation = nextGeneration();
  }

  removePod(key: string): Pod | undefined {
    const at = this.index.get(key);
    if (at === undefined) return undefined;
    const pod = this.pods[at]!;
    const last = this.pods.pop()!;
    this.index.delete(key);
    if (at < this.pods.length) {
      this.pods[at] = last;
      this.index.set(keyOf(last), at);
    }
    this.account(pod, -1);
    this.generation = nextGeneration();
    return pod;
  }

  private account(pod: Pod, sign: 1 | -1): void {
    const r = podResources(pod);
    addAmounts(this.requested, r.requests, sign);
    this.nonZeroRequested.milliCpu += sign * r.nonZero.milliCpu;
    this.nonZeroRequested.memory += sign * r.nonZero.memory;
    for (const p of r.hostPorts) this.usedPorts.add(p, sign);
    if (r.controller && !r.terminating) bump(this.podsByController, r.controller, sign);
    for (const image of r.images) bump(this.images, image, sign);
  }
}

/** The key the scheduler knows a pod by: its uid, else namespace/name. */
export function keyOf(pod: Pod): string {
  return pod.metadata.uid ?? `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}

export function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}

// One counter for every NodeInfo in the process, so a generation names one state of one node.
let generations = 0;
function nextGeneration(): number {
  return ++generations;
}

/**
 * A NodeInfo for a node and its pods outside a scheduler (tests, benchmarks, tools): the same
 * aggregates the cache keeps.
 */
export function nodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const record = new NodeInfoRecord(node.metadata.name ?? '');
  record.setNode(node);
  for (const pod of pods) record.addPod(keyOf(pod), pod);
  return record;
}
