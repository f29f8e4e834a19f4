// A controller's worker loop: take a key, sync it, and apply the queue rules (an error retries
// with backoff; success clears the backoff; sync asks for a later look with requeueAfterMs).
import type { WorkQueue } from './WorkQueue.js';

/** `requeueAfterMs`: look at the key again after this long (0: at once), e.g. to time out a rollout. */
export type SyncResult = void | { requeueAfterMs: number };

export interface ControllerOptions {
  name: string;
  queue: WorkQueue;
  /** Keys processed at once (never the same key twice). Default 1. */
  workers?: number;
  /** Level-triggered: read the object from the cache, compare with what should be, act. */
  sync(key: string): Promise<SyncResult>;
  /** A failed sync (it is retried). Default: a line on stderr naming the controller and key. */
  onError?(key: string, error: unknown): void;
}

/** Runs workers until the queue is shut down and drained. */
export async function runController(options: ControllerOptions): Promise<void> {
  const { queue, sync } = options;
  const onError =
    options.onError ??
    ((key: string, error: unknown) =>
      process.stderr.write(`controller ${options.name}: syncing "${key}" failed; will retry: ${error instanceof Error ? error.message : String(error)}\n`));
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await sync(key);
        queue.forget(key);
        if (result && result.requeueAfterMs >= 0) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        onError(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers ?? 1) }, worker));
}
