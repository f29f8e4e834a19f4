// The arithmetic of a rolling update, on counts only (no objects, no I/O), as Kubernetes'
// deployment controller does it.

/** One ReplicaSet as the arithmetic sees it. */
export interface RsCounts {
  /** spec.replicas */
  replicas: number;
  /** Pods it may still have: the larger of spec.replicas and status.replicas (a scale-down not yet carried out). */
  pods: number;
  /** Available pods, never more than spec.replicas (a scale-down the status does not show yet). */
  available: number;
}

/**
 * What the new ReplicaSet may grow to: up to the desired count, while every ReplicaSet's pods
 * together stay within desired + maxSurge.
 */
export function newReplicaSetTarget(desired: number, maxSurge: number, newRS: RsCounts, all: readonly RsCounts[]): number {
  if (newRS.replicas >= desired) return desired;
  const maxTotal = desired + maxSurge;
  const current = all.reduce((sum, rs) => sum + rs.pods, 0);
  if (current >= maxTotal) return newRS.replicas;
  return newRS.replicas + Math.min(maxTotal - current, desired - newRS.replicas);
}

/**
 * The new spec.replicas of each old ReplicaSet (given oldest first): first shed their unavailable
 * pods (they serve nothing, and a stuck old template must not block the new one), then scale down
 * as far as the available pods allow while desired - maxUnavailable stay available.
 */
export function oldReplicaSetTargets(desired: number, maxUnavailable: number, newRS: RsCounts | undefined, olds: readonly RsCounts[]): number[] {
  const targets = olds.map((rs) => rs.replicas);
  const oldPods = targets.reduce((a, b) => a + b, 0);
  if (oldPods === 0) return targets;
  const all = newRS ? [...olds, newRS] : [...olds];
  const allPods = all.reduce((sum, rs) => sum + rs.replicas, 0);
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = newRS ? Math.max(0, newRS.replicas - newRS.available) : 0;
  const maxCleanup = allPods - minAvailable - newUnavailable;
  if (maxCleanup <= 0) return targets;

  let cleaned = 0;
  for (let i = 0; i < olds.length && cleaned < maxCleanup; i++) {
    const unhealthy = targets[i]! - Math.min(olds[i]!.available, targets[i]!);
    if (targets[i] === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxCleanup - cleaned, unhealthy);
    targets[i]! -= down;
    cleaned += down;
  }

  const available = olds.reduce((sum, rs, i) => sum + Math.min(rs.available, targets[i]!), 0) + (newRS?.available ?? 0);
  if (available <= minAvailable) return targets;
  const toScaleDown = available - minAvailable;
  let scaled = 0;
  for (let i = 0; i < olds.length && scaled < toScaleDown; i++) {
    if (targets[i] === 0) continue;
    const down = Math.min(targets[i]!, toScaleDown - scaled);
    targets[i]! -= down;
    scaled += down;
  }
  return targets;
}

/**
 * Proportional scaling: the Deployment was resized in the middle of a rollout. Each active
 * ReplicaSet (given largest first) takes its share of the change; rounding leftovers go to the
 * first one.
 */
export function proportionalTargets(allowed: number, sets: readonly { replicas: number }[]): number[] {
  const current = sets.reduce((sum, rs) => sum + rs.replicas, 0);
  const toAdd = allowed - current;
  if (toAdd === 0 || current === 0) return sets.map((rs) => rs.replicas);
  const targets = sets.map((rs) => rs.replicas);
  let added = 0;
  for (let i = 0; i < sets.length; i++) {
    let share = Math.round((sets[i]!.replicas * allowed) / current) - sets[i]!.replicas;
    // Never past the total change.
    if (toAdd > 0) share = Math.min(share, toAdd - added);
    else share = Math.max(share, toAdd - added, -targets[i]!);
    targets[i]! += share;
    added += share;
  }
  if (added !== toAdd && targets.length > 0) targets[0] = Math.max(0, targets[0]! + toAdd - added);
  return targets;
}
