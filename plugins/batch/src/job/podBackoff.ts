// The delay before the Job controller replaces failed Pods: it doubles with each failure since the
// last success (10 s, 20 s, 40 s, ... capped at 6 min by default), counted from the last failure.
// Computed from the Pods alone, so a restarted controller keeps the same pace.
import type { Pod } from '@corral/core/api';
import { finishTime, isFailed, isSucceeded } from './podState.js';

export interface PodBackoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_POD_BACKOFF: PodBackoff = { initialMs: 10_000, maxMs: 6 * 60_000 };

/** The delay after `failures` consecutive failures (0 for none). */
export function backoffDelay(failures: number, backoff: PodBackoff): number {
  if (failures <= 0) return 0;
  // Past 2^30 the cap has long been reached; stop before the number overflows.
  const factor = 2 ** Math.min(failures - 1, 30);
  return Math.min(backoff.initialMs * factor, backoff.maxMs);
}

/** How long from `now` until a new Pod may be created (0: at once). */
export function remainingBackoff(pods: readonly Pod[], now: number, backoff: PodBackoff): number {
  let lastSuccess = -Infinity;
  for (const pod of pods) if (isSucceeded(pod)) lastSuccess = Math.max(lastSuccess, finishTime(pod) ?? -Infinity);
  let failures = 0;
  let lastFailure = -Infinity;
  for (const pod of pods) {
    if (!isFailed(pod)) continue;
    // A finish time ahead of this clock is skew between the agent and the controller: count from now.
    const at = Math.min(finishTime(pod) ?? now, now);
    if (at < lastSuccess) continue;
    failures++;
    lastFailure = Math.max(lastFailure, at);
  }
  if (failures === 0) return 0;
  return Math.max(0, lastFailure + backoffDelay(failures, backoff) - now);
}
