import type { Pod } from '../../api/index.js';
import type { CycleState, FailureStatus } from '../../kernel/index.js';

/**
 * What identical pods (same namespace, labels, annotations, owners and spec: the replicas of
 * one template) share within a profile: the CycleState right after preFilter, and each node's
 * filter answer at the node's generation. The answer for node i is valid while that node's
 * generation is unchanged; placing a pod changes only its node's generation, so the next replica
 * runs the filter plugins on that one node and reads the rest.
 */
export interface EquivalenceClass {
  /** Cloned for each identical pod instead of running preFilter again. */
  preFiltered?: CycleState;
  /** The node list these arrays index (the cache's listVersion). */
  listVersion: number;
  /** Per node index: the generation the answer was computed at (0: none). */
  generations: Float64Array;
  /** Per node index: the filter's refusal, or null when the node fits. */
  answers: (FailureStatus | null)[];
}

export class EquivalenceCache {
  private readonly classes = new Map<string, EquivalenceClass>();
  private readonly keys = new WeakMap<Pod, string>();

  /** At most `maxClasses` classes are kept (least recently used go first). */
  constructor(private readonly maxClasses = 64) {}

  classFor(pod: Pod, profile: string, listVersion: number, nodeCount: number): EquivalenceClass {
    const key = `${profile}\u0000${this.podKey(pod)}`;
    let cls = this.classes.get(key);
    if (cls) {
      this.classes.delete(key); // re-inserted below: Map order is the recency order
      if (cls.listVersion !== listVersion || cls.generations.length !== nodeCount) cls = { ...fresh(listVersion, nodeCount), ...(cls.preFiltered ? { preFiltered: cls.preFiltered } : {}) };
    } else {
      cls = fresh(listVersion, nodeCount);
      if (this.classes.size >= this.maxClasses) this.classes.delete(this.classes.keys().next().value!);
    }
    this.classes.set(key, cls);
    return cls;
  }

  get size(): number {
    return this.classes.size;
  }

  private podKey(pod: Pod): string {
    let key = this.keys.get(pod);
    if (key === undefined) {
      const m = pod.metadata;
      // Everything but identity and bookkeeping (name, uid, resourceVersion, timestamps, status).
      key = JSON.stringify([m.namespace, m.labels, m.annotations, m.ownerReferences, m.deletionTimestamp, pod.spec]);
      this.keys.set(pod, key);
    }
    return key;
  }
}

function fresh(listVersion: number, nodeCount: number): EquivalenceClass {
  return { listVersion, generations: new Float64Array(nodeCount), answers: new Array<FailureStatus | null>(nodeCount).fill(null) };
}
