import type { Pod } from '../../api/index.js';
import { deepEqual } from '../../api/index.js';
import { keyOf } from '../cache/NodeInfoRecord.js';
import type { Clock } from '../types.js';
import { Heap } from './Heap.js';
import { QueuedPod } from './QueuedPod.js';

export interface SchedulingQueueOptions {
  /** The profile's queueSort; undefined (no plugin) means FIFO. */
  readonly less: (a: QueuedPod, b: QueuedPod) => boolean | undefined;
  readonly clock: Clock;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly unschedulableTimeoutMs: number;
}

/**
 * kube-scheduler's three queues. activeQ: pods to schedule now, in queueSort order. backoffQ:
 * pods that failed, waiting out an exponential backoff (initial × 2^(attempts-1), capped).
 * unschedulable: pods no node fits; a cluster event that may make room (node added or updated,
 * pod deleted) moves them back, and so does the timeout. Pods being scheduled are "in flight":
 * an event during their cycle sends a failure to backoffQ instead, so the event is not missed.
 */
export class SchedulingQueue {
  private readonly active: Heap<QueuedPod>;
  private readonly backoff: Heap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, QueuedPod>();
  private readonly deletedInFlight = new Set<string>();
  private readonly waiters: ((pod: QueuedPod | undefined) => void)[] = [];
  private seq = 0;
  private cycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private backoffTimer: { handle: unknown; at: number } | undefined;
  private leftoverTimer: { handle: unknown; at: number } | undefined;

  constructor(private readonly options: SchedulingQueueOptions) {
    this.active = new Heap((p) => p.key, (a, b) => options.less(a, b) ?? a.seq < b.seq);
    this.backoff = new Heap((p) => p.key, (a, b) => a.backoffExpiry < b.backoffExpiry || (a.backoffExpiry === b.backoffExpiry && a.seq < b.seq));
  }

  /** A new pending pod; an update if the queue already has it. */
  add(pod: Pod): void {
    const key = keyOf(pod);
    if (this.inFlight.has(key) || this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key)) {
      this.update(pod);
      return;
    }
    this.activate(new QueuedPod(pod, key, this.options.clock.now(), this.seq++));
  }

  update(pod: Pod): void {
    const key = keyOf(pod);
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.pod = pod; // a failure requeues the latest version
      return;
    }
    const active = this.active.get(key);
    if (active) {
      active.pod = pod;
      this.active.push(active);
      return;
    }
    const backingOff = this.backoff.get(key);
    if (backingOff) {
      backingOff.pod = pod;
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      const changed = !sameSchedulingInput(parked.pod, pod);
      parked.pod = pod;
      // A changed pod may fit now: retry it (after its backoff).
      if (changed) {
        this.unschedulable.delete(key);
        this.activateOrBackoff(parked);
      }
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = keyOf(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    if (this.inFlight.has(key)) this.deletedInFlight.add(key);
  }

  /** The next pod to schedule; waits for one. Resolves undefined once the queue is closed. */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.tryPop();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next pod to schedule, or undefined when activeQ is empty. */
  tryPop(): QueuedPod | undefined {
    const entry = this.active.pop();
    if (!entry) return undefined;
    entry.attempts++;
    entry.cycle = ++this.cycle;
    this.inFlight.set(entry.key, entry);
    return entry;
  }

  /**
   * A popped pod failed: back to backoffQ (errors, or when a cluster event came during its
   * cycle), else to the unschedulable pods. False when it was deleted meanwhile.
   */
  requeue(entry: QueuedPod, unschedulable: boolean): boolean {
    this.inFlight.delete(entry.key);
    if (this.deletedInFlight.delete(entry.key)) return false;
    if (this.closed || this.active.has(entry.key) || this.backoff.has(entry.key) || this.unschedulable.has(entry.key)) return false;
    const now = this.options.clock.now();
    entry.timestamp = now;
    entry.backoffExpiry = now + this.backoffDuration(entry.attempts);
    if (!unschedulable || this.moveRequestCycle >= entry.cycle) {
      this.pushBackoff(entry);
    } else {
      this.unschedulable.set(entry.key, entry);
      this.armLeftoverTimer(now + this.options.unschedulableTimeoutMs);
    }
    return true;
  }

  /** The pod's cycle (and binding) is over. */
  done(pod: Pod): void {
    const key = keyOf(pod);
    this.inFlight.delete(key);
    this.deletedInFlight.delete(key);
  }

  /** A cluster event that may let unschedulable pods fit: retry them all (after their backoff). */
  moveAllToActiveOrBackoff(): void {
    for (const entry of this.unschedulable.values()) this.activateOrBackoff(entry);
    this.unschedulable.clear();
    this.moveRequestCycle = this.cycle;
  }

  /** Moves pods whose backoff is over to activeQ. */
  flushBackoffCompleted(): void {
    const now = this.options.clock.now();
    for (let next = this.backoff.peek(); next && next.backoffExpiry <= now; next = this.backoff.peek()) {
      this.activate(this.backoff.pop()!);
    }
    this.armBackoffTimer();
  }

  /** Retries pods that have been unschedulable for longer than the timeout. */
  flushUnschedulableLeftover(): void {
    const now = this.options.clock.now();
    let earliest = Infinity;
    for (const [key, entry] of this.unschedulable) {
      const due = entry.timestamp + this.options.unschedulableTimeoutMs;
      if (due <= now) {
        this.unschedulable.delete(key);
        this.activateOrBackoff(entry);
      } else {
        earliest = Math.min(earliest, due);
      }
    }
    if (earliest < Infinity) this.armLeftoverTimer(earliest);
  }

  /** Wakes every waiting pop() with undefined and stops the timers. */
  close(): void {
    this.closed = true;
    for (const timer of [this.backoffTimer, this.leftoverTimer]) if (timer) this.options.clock.clearTimeout(timer.handle);
    this.backoffTimer = this.leftoverTimer = undefined;
    for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  get schedulingCycle(): number {
    return this.cycle;
  }

  counts(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  /** Where a pod is: for tests and diagnostics. */
  whereIs(pod: Pod): 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined {
    const key = keyOf(pod);
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  backoffDuration(attempts: number): number {
    let d = this.options.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d >= this.options.maxBackoffMs) return this.options.maxBackoffMs;
    }
    return Math.min(d, this.options.maxBackoffMs);
  }

  private activateOrBackoff(entry: QueuedPod): void {
    if (entry.backoffExpiry > this.options.clock.now()) this.pushBackoff(entry);
    else this.activate(entry);
  }

  private activate(entry: QueuedPod): void {
    this.active.push(entry);
    const wake = this.waiters.shift();
    if (wake) wake(this.tryPop());
  }

  private pushBackoff(entry: QueuedPod): void {
    this.backoff.push(entry);
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    const next = this.backoff.peek();
    if (!next || this.closed) return;
    if (this.backoffTimer && this.backoffTimer.at <= next.backoffExpiry) return;
    if (this.backoffTimer) this.options.clock.clearTimeout(this.backoffTimer.handle);
    const at = next.backoffExpiry;
    const handle = this.options.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.flushBackoffCompleted();
    }, Math.max(0, at - this.options.clock.now()));
    this.backoffTimer = { handle, at };
  }

  private armLeftoverTimer(at: number): void {
    if (this.closed || (this.leftoverTimer && this.leftoverTimer.at <= at)) return;
    if (this.leftoverTimer) this.options.clock.clearTimeout(this.leftoverTimer.handle);
    const handle = this.options.clock.setTimeout(() => {
      this.leftoverTimer = undefined;
      this.flushUnschedulableLeftover();
    }, Math.max(0, at - this.options.clock.now()));
    this.leftoverTimer = { handle, at };
  }
}

/** Whether an update changed what scheduling looks at (not just status or bookkeeping). */
function sameSchedulingInput(a: Pod, b: Pod): boolean {
  return deepEqual(a.spec, b.spec) && deepEqual(a.metadata.labels, b.metadata.labels) && deepEqual(a.metadata.annotations, b.metadata.annotations);
}
