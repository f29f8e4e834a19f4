import type { Pod } from '../../api/index.js';
import type { QueuedPodInfo } from '../../kernel/index.js';

/** A pod in the scheduling queue, with the bookkeeping the queue needs. */
export class QueuedPod implements QueuedPodInfo {
  /** Scheduling attempts so far (counted when popped). */
  attempts = 0;
  /** When the current backoff ends, in clock ms; 0 before the first failure. */
  backoffExpiry = 0;
  /** The scheduling cycle that popped it last. */
  cycle = 0;
  /** When it first entered the queue. */
  readonly initialTimestamp: number;

  constructor(
    public pod: Pod,
    readonly key: string,
    /** When it last entered the queue; queueSort's tie-breaker. */
    public timestamp: number,
    /** Insertion order: the FIFO order when no queueSort plugin is enabled. */
    public seq: number,
  ) {
    this.initialTimestamp = timestamp;
  }
}
