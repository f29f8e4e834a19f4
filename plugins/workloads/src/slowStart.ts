// Creates in batches of 1, 2, 4, ...: when every create fails (a quota, a bad template) the
// controller learns it from one request instead of flooding the API with hundreds.

export interface SlowStartResult {
  /** Calls that succeeded. */
  successes: number;
  /** Calls never made because an earlier batch failed. */
  skipped: number;
  /** The first failure, if any. */
  error?: unknown;
}

export async function slowStartBatch(count: number, initialBatch: number, fn: (index: number) => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  let index = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn(index++)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.length - results.filter((r) => r.status === 'rejected').length;
    remaining -= batch;
    if (failed) return { successes, skipped: remaining, error: failed.reason };
  }
  return { successes, skipped: 0 };
}
