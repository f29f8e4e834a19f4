import { quantityToInt, quantityToMillis } from '../../api/quantity.js';
import type { Container, Pod, Quantity } from '../../api/types.js';

// kubelet's admission: a pod bound here that the node cannot hold (more CPU or memory than is
// left of allocatable, one pod too many, a host port already taken) is refused with the
// reason kubelet gives (OutOfcpu, OutOfmemory, OutOfpods, NodePorts) instead of being started.

export interface Rejection {
  reason: string;
  message: string;
}

interface Requests {
  cpu: number;
  memory: number;
}

function containerRequests(c: Container): Requests {
  const r = c.resources?.requests ?? {};
  return { cpu: r.cpu !== undefined ? quantityToMillis(r.cpu) : 0, memory: r.memory !== undefined ? quantityToInt(r.memory) : 0 };
}

/** The larger of the sum of the app containers and the largest init container, per resource. */
export function podRequests(pod: Pod): Requests {
  const sum = { cpu: 0, memory: 0 };
  for (const c of pod.spec.containers) {
    const r = containerRequests(c);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  return sum;
}

function hostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
  }
  return out;
}

function clash(a: string, b: string): boolean {
  const [pa, ia, na] = a.split('/');
  const [pb, ib, nb] = b.split('/');
  return pa === pb && na === nb && (ia === ib || ia === '0.0.0.0' || ib === '0.0.0.0');
}

/** Why `pod` cannot join `admitted` on a node with `allocatable`; undefined when it fits. */
export function admit(pod: Pod, admitted: readonly Pod[], allocatable: Record<string, Quantity>): Rejection | undefined {
  const maxPods = allocatable.pods !== undefined ? quantityToInt(allocatable.pods) : 110;
  if (admitted.length + 1 > maxPods) {
    return { reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${admitted.length}, capacity: ${maxPods}` };
  }
  const want = podRequests(pod);
  const used = { cpu: 0, memory: 0 };
  for (const p of admitted) {
    const r = podRequests(p);
    used.cpu += r.cpu;
    used.memory += r.memory;
  }
  const capacity = {
    cpu: allocatable.cpu !== undefined ? quantityToMillis(allocatable.cpu) : Infinity,
    memory: allocatable.memory !== undefined ? quantityToInt(allocatable.memory) : Infinity,
  };
  for (const resource of ['cpu', 'memory'] as const) {
    if (want[resource] > 0 && used[resource] + want[resource] > capacity[resource]) {
      return {
        reason: `OutOf${resource}`,
        message: `Node didn't have enough resource: ${resource}, requested: ${want[resource]}, used: ${used[resource]}, capacity: ${capacity[resource]}`,
      };
    }
  }
  const taken = admitted.flatMap(hostPorts);
  const wanted = hostPorts(pod);
  const conflict = wanted.find((w) => taken.some((t) => clash(w, t)));
  if (conflict) return { reason: 'NodePorts', message: `Node didn't have free ports for the requested pod ports: ${conflict}` };
  return undefined;
}
