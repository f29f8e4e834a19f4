// Kubernetes' "disruption" modes, for a cluster seen as one zone: when every node is NotReady at
// once (full disruption), or at least three and at least the unhealthy fraction are (partial
// disruption, where a small cluster's eviction rate drops to zero), the likely cause is the
// control plane's own view (it was away, or its network broke), not the nodes. Evicting then
// would empty healthy machines, so no NoExecute taints are set and nothing is evicted until
// enough nodes are heard from again; eviction clocks then start afresh.
import type { Lease, Node } from '@corral/core/api';
import { lastHeartbeat, readyCondition } from './health.js';

/** Kubernetes' unhealthyZoneThreshold default. */
export const DEFAULT_UNHEALTHY_THRESHOLD = 0.55;
export const EVICTIONS_PAUSED_REASON = 'NodeEvictionsPaused';
export const EVICTIONS_RESUMED_REASON = 'NodeEvictionsResumed';

export interface ClusterHealth {
  readonly total: number;
  readonly notReady: number;
  readonly disrupted: boolean;
}

/** Whether `notReady` of `total` nodes is a disruption in which nothing is evicted. */
export function isDisrupted(notReady: number, total: number, threshold: number): boolean {
  if (notReady === 0) return false;
  if (notReady === total) return true;
  return notReady > 2 && notReady / total >= threshold;
}

/**
 * How many nodes are NotReady at `now`: silent past the grace period (counted from no earlier
 * than `watchingSince`), or reporting a Ready condition other than True (a node not yet
 * reporting one counts, as in Kubernetes).
 */
export function clusterHealth(
  nodes: readonly Node[],
  leaseOf: (name: string) => Lease | undefined,
  now: number,
  gracePeriodMs: number,
  threshold: number,
  watchingSince = -Infinity,
): ClusterHealth {
  let notReady = 0;
  for (const node of nodes) {
    const silent = now >= Math.max(lastHeartbeat(node, leaseOf(node.metadata.name!)), watchingSince) + gracePeriodMs;
    if (silent || readyCondition(node)?.status !== 'True') notReady++;
  }
  return { total: nodes.length, notReady, disrupted: isDisrupted(notReady, nodes.length, threshold) };
}

/** The message of the event recorded when evictions stop. */
export function pausedMessage(health: ClusterHealth, threshold: number): string {
  const which = health.notReady === health.total ? 'every node is' : `${health.notReady} of ${health.total} nodes (at least ${Math.round(threshold * 100)}%) are`;
  return `${which} NotReady at once: entering disruption mode, no pods are evicted until nodes are heard from again`;
}

export function resumedMessage(health: ClusterHealth): string {
  return `${health.total - health.notReady} of ${health.total} nodes are Ready again: leaving disruption mode, NotReady nodes' pods are evicted as usual`;
}
