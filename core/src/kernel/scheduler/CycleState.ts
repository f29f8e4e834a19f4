/** State a plugin may carry into a clone of the cycle (preemption's what-ifs): copy on clone. */
export interface Cloneable {
  clone(): unknown;
}

/**
 * Per-cycle scratch space shared by one pod's scheduling cycle: preFilter computes once and
 * writes, filter reads it back for every node. Keys are the writing plugin's name (or
 * `name/what`) so plugins do not collide. Not safe to share between cycles.
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  private readonly skipFilter = new Set<string>();
  private readonly skipScore = new Set<string>();

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  /** Set by the kernel when `plugin`'s preFilter / preScore answered Skip. */
  markSkipped(point: 'filter' | 'score', plugin: string): void {
    (point === 'filter' ? this.skipFilter : this.skipScore).add(plugin);
  }

  isSkipped(point: 'filter' | 'score', plugin: string): boolean {
    return (point === 'filter' ? this.skipFilter : this.skipScore).has(plugin);
  }

  /** A copy for a what-if cycle; values with a `clone()` are cloned, others shared. */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, isCloneable(v) ? v.clone() : v);
    for (const p of this.skipFilter) copy.skipFilter.add(p);
    for (const p of this.skipScore) copy.skipScore.add(p);
    return copy;
  }
}

function isCloneable(v: unknown): v is Cloneable {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Cloneable>).clone === 'function';
}
