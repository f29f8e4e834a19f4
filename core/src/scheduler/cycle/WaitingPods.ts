import type { Pod } from '../../api/index.js';
import { unschedulable, type FailureStatus, type WaitingPod, type WaitStatus } from '../../kernel/index.js';
import { keyOf } from '../cache/NodeInfoRecord.js';
import type { Clock } from '../types.js';

/** A pod a permit plugin told to Wait: released by allow, reject or the timeout. */
export class WaitingPodEntry implements WaitingPod {
  /** Resolves undefined when allowed, or with the refusal. */
  readonly result: Promise<FailureStatus | undefined>;
  private settle!: (status: FailureStatus | undefined) => void;
  private readonly timer: unknown;

  constructor(
    readonly pod: Pod,
    readonly nodeName: string,
    wait: WaitStatus,
    clock: Clock,
    onSettled: () => void,
  ) {
    let settled = false;
    this.result = new Promise((resolve) => {
      this.settle = (status) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(this.timer);
        onSettled();
        resolve(status);
      };
    });
    const plugin = wait.plugin ?? 'permit';
    this.timer = clock.setTimeout(() => this.settle(unschedulable(plugin, `rejected due to timeout after waiting ${wait.timeoutMs}ms at plugin ${plugin}`)), wait.timeoutMs);
  }

  allow(_plugin: string): void {
    this.settle(undefined);
  }

  reject(plugin: string, message: string): void {
    this.settle(unschedulable(plugin, message));
  }
}

/** The pods held at permit, by uid. */
export class WaitingPods {
  private readonly pods = new Map<string, WaitingPodEntry>();

  constructor(private readonly clock: Clock) {}

  add(pod: Pod, nodeName: string, wait: WaitStatus): WaitingPodEntry {
    const key = keyOf(pod);
    const entry = new WaitingPodEntry(pod, nodeName, wait, this.clock, () => {
      if (this.pods.get(key) === entry) this.pods.delete(key);
    });
    this.pods.set(key, entry);
    return entry;
  }

  get(uid: string): WaitingPodEntry | undefined {
    return this.pods.get(uid);
  }

  rejectAll(message: string): void {
    for (const entry of [...this.pods.values()]) entry.reject('scheduler', message);
  }

  get size(): number {
    return this.pods.size;
  }
}
