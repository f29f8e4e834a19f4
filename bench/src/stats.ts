/** Percentile of a sample (nearest rank); `p` in 0..100. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Rounds for JSON output: enough digits to compare, not so many to read. */
export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Runs `op` from `concurrency` workers until `total` operations are done; returns ops/s and
 * per-operation latencies in ms.
 */
export async function drive(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<{ opsPerSec: number; latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = new Array(total);
  let next = 0;
  const start = nowMs();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = nowMs();
      await op(i);
      latencies[i] = nowMs() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = nowMs() - start;
  return { opsPerSec: (total / elapsedMs) * 1000, latencies, elapsedMs };
}
