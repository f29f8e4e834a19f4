import { quantityToInt, quantityToMillis, type Container, type Node, type Pod, type Quantity } from '../api/index.js';
import type { ResourceAmounts } from '../kernel/index.js';

// How the scheduler counts what a pod asks for and what a node offers, shared by the cache's
// aggregates and the plugins so both always agree. Results are memoized per pod object: objects
// from the cache are never mutated (copy first), so identity is a safe key.

/** What a container without a CPU request counts as for scoring (Kubernetes' default). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** What a container without a memory request counts as for scoring: 200Mi. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface HostPort {
  /** '0.0.0.0' when the pod gave none. */
  readonly hostIP: string;
  /** 'TCP' when the pod gave none. */
  readonly protocol: string;
  readonly port: number;
}

/** Everything the scheduler's bookkeeping needs from one pod, computed once. */
export interface PodResources {
  readonly requests: ResourceAmounts;
  readonly nonZero: { readonly milliCpu: number; readonly memory: number };
  readonly hostPorts: readonly HostPort[];
  /** The uid of the owner reference with `controller: true`. */
  readonly controller?: string;
  readonly images: readonly string[];
  /** Has a deletionTimestamp: still holds its resources, but no longer counts as a replica. */
  readonly terminating: boolean;
}

export interface MutableAmounts {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Map<string, number>;
}

export const ZERO_AMOUNTS: ResourceAmounts = Object.freeze({ milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map<string, number>() });

export function emptyAmounts(): MutableAmounts {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

/** `into += by` (sign -1 subtracts). */
export function addAmounts(into: MutableAmounts, by: ResourceAmounts, sign = 1): void {
  into.milliCpu += sign * by.milliCpu;
  into.memory += sign * by.memory;
  into.ephemeralStorage += sign * by.ephemeralStorage;
  for (const [name, v] of by.scalar) {
    const next = (into.scalar.get(name) ?? 0) + sign * v;
    if (next === 0) into.scalar.delete(name);
    else into.scalar.set(name, next);
  }
}

function maxInto(into: MutableAmounts, other: ResourceAmounts): void {
  into.milliCpu = Math.max(into.milliCpu, other.milliCpu);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [name, v] of other.scalar) into.scalar.set(name, Math.max(into.scalar.get(name) ?? 0, v));
}

function copyAmounts(a: ResourceAmounts): MutableAmounts {
  return { milliCpu: a.milliCpu, memory: a.memory, ephemeralStorage: a.ephemeralStorage, scalar: new Map(a.scalar) };
}

// Replicas repeat the same few quantity strings; parsing them exactly (BigInt) is the slow part.
const parsed = new Map<string, number>();
function parse(q: Quantity, millis: boolean): number {
  const key = `${millis ? 'm' : 'i'}${q}`;
  let v = parsed.get(key);
  if (v === undefined) {
    try {
      v = millis ? quantityToMillis(q) : quantityToInt(q);
    } catch {
      v = 0; // the API validates quantities; a malformed one must not break the scheduler
    }
    if (parsed.size > 4096) parsed.clear();
    parsed.set(key, v);
  }
  return v;
}

/** Parses a resource list (requests, allocatable); `pods` is left out. */
export function parseResourceList(list: Readonly<Record<string, Quantity>> | undefined): MutableAmounts {
  const out = emptyAmounts();
  if (!list) return out;
  for (const name in list) {
    const q = list[name]!;
    if (name === 'cpu') out.milliCpu = parse(q, true);
    else if (name === 'memory') out.memory = parse(q, false);
    else if (name === 'ephemeral-storage') out.ephemeralStorage = parse(q, false);
    else if (name !== 'pods') out.scalar.set(name, parse(q, false));
  }
  return out;
}

function nonZeroOf(c: Container): MutableAmounts {
  const r = c.resources?.requests;
  return {
    milliCpu: r?.cpu !== undefined ? parse(r.cpu, true) : DEFAULT_MILLI_CPU_REQUEST,
    memory: r?.memory !== undefined ? parse(r.memory, false) : DEFAULT_MEMORY_REQUEST,
    ephemeralStorage: 0,
    scalar: new Map(),
  };
}

/**
 * A pod's effective request, as Kubernetes computes it: the sum of its containers, raised to
 * the largest init container (which runs alone, beside the sidecars started before it); sidecars
 * (init containers with restartPolicy Always) keep running, so they add to the sum.
 */
function podRequests(pod: Pod, read: (c: Container) => MutableAmounts): MutableAmounts {
  const total = emptyAmounts();
  for (const c of pod.spec.containers ?? []) addAmounts(total, read(c));
  const sidecars = emptyAmounts();
  const initMax = emptyAmounts();
  for (const c of pod.spec.initContainers ?? []) {
    const own = read(c);
    let running: MutableAmounts;
    if (c.restartPolicy === 'Always') {
      addAmounts(total, own);
      addAmounts(sidecars, own);
      running = copyAmounts(sidecars);
    } else {
      running = own;
      addAmounts(running, sidecars);
    }
    maxInto(initMax, running);
  }
  maxInto(total, initMax);
  return total;
}

function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const containers = [...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec.containers ?? [])];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/** The uid of the pod's controller (the owner reference with `controller: true`). */
export function controllerUid(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller === true)?.uid;
}

const memo = new WeakMap<Pod, PodResources>();

export function podResources(pod: Pod): PodResources {
  let r = memo.get(pod);
  if (r) return r;
  const nonZero = podRequests(pod, nonZeroOf);
  const images = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].flatMap((c) => (c.image ? [c.image] : []));
  const controller = controllerUid(pod);
  r = {
    requests: podRequests(pod, (c) => parseResourceList(c.resources?.requests)),
    nonZero: { milliCpu: nonZero.milliCpu, memory: nonZero.memory },
    hostPorts: hostPortsOf(pod),
    ...(controller ? { controller } : {}),
    images,
    terminating: pod.metadata.deletionTimestamp !== undefined,
  };
  memo.set(pod, r);
  return r;
}

/** A copy of `pod` on `nodeName`, sharing the memoized resources (they do not depend on the node). */
export function withNodeName(pod: Pod, nodeName: string): Pod {
  const copy: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
  memo.set(copy, podResources(pod));
  return copy;
}

/** What a node offers: `status.allocatable`, else `status.capacity`. */
export function nodeAllocatable(node: Node): { amounts: ResourceAmounts; pods: number } {
  const list = node.status?.allocatable ?? node.status?.capacity;
  const pods = list?.pods;
  return { amounts: parseResourceList(list), pods: pods === undefined ? 0 : parse(pods, false) };
}
