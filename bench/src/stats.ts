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

/** p50, p99 and max of a sample of latencies, rounded for JSON. */
export function latencySummary(samples: readonly number[]): { p50: number; p99: number; max: number } {
  return {
    p50: round(percentile(samples, 50), 3),
    p99: round(percentile(samples, 99), 3),
    max: round(samples.reduce((a, b) => Math.max(a, b), 0), 3),
  };
}

/**
 * Starts `op` at a fixed rate for `durationMs`, whether or not earlier calls have finished (an
 * open loop, as real clients behave). Each latency is measured from the moment the call was due,
 * so a stalled server shows in the figures rather than slowing the schedule down. At most
 * `maxInFlight` calls run at once; a call that finds the limit reached counts as late. `op` gets
 * the moment its call was due (on nowMs()'s clock), for callers that time parts of a call.
 */
export async function paced(
  ratePerSec: number,
  durationMs: number,
  op: (i: number, due: number) => Promise<unknown>,
  maxInFlight = 1000,
): Promise<{ latencies: number[]; started: number; achievedPerSec: number; errors: number; firstError?: string }> {
  const interval = 1000 / ratePerSec;
  const total = Math.floor((durationMs / 1000) * ratePerSec);
  const latencies: number[] = [];
  const running = new Set<Promise<void>>();
  let errors = 0;
  let firstError: string | undefined;
  const start = nowMs();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (running.size >= maxInFlight) await Promise.race(running);
    const call = op(i, due).then(
      () => {
        latencies.push(nowMs() - due);
      },
      (err: unknown) => {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      },
    );
    const tracked = call.finally(() => running.delete(tracked));
    running.add(tracked);
  }
  await Promise.all(running);
  const elapsed = nowMs() - start;
  return { latencies, started: total, achievedPerSec: (latencies.length / elapsed) * 1000, errors, ...(firstError ? { firstError } : {}) };
}
