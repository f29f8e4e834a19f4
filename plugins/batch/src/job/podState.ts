// How the Job controller reads a Pod: active, finished, ready, how often it restarted, when it ended.
import type { ContainerStatus, Pod } from '@corral/core/api';
import { fromTimestamp } from '../time.js';

export function isSucceeded(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded';
}

export function isFailed(pod: Pod): boolean {
  return pod.status?.phase === 'Failed';
}

/** Still counted as running work: not finished and not being deleted. */
export function isActive(pod: Pod): boolean {
  return !isSucceeded(pod) && !isFailed(pod) && !pod.metadata.deletionTimestamp;
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function statuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** Container restarts the agent made in place (restartPolicy OnFailure). */
export function restartCount(pod: Pod): number {
  return statuses(pod).reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
}

/**
 * When a finished Pod ended: the latest container finishedAt, else the Ready condition's last
 * transition, else its creation (an agent that reports no times still yields an order).
 */
export function finishTime(pod: Pod): number | undefined {
  let latest: number | undefined;
  for (const s of statuses(pod)) {
    const at = fromTimestamp(s.state?.terminated?.finishedAt) ?? fromTimestamp(s.lastState?.terminated?.finishedAt);
    if (at !== undefined && (latest === undefined || at > latest)) latest = at;
  }
  if (latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return fromTimestamp(ready?.lastTransitionTime) ?? fromTimestamp(pod.metadata.creationTimestamp);
}

/** Pods to delete first when there are too many: not yet scheduled, then not ready, then the youngest. */
export function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod) => (p.spec.nodeName ? 0 : 2) + (isReady(p) ? 0 : 1);
  const byRank = rank(b) - rank(a);
  if (byRank !== 0) return byRank;
  return (fromTimestamp(b.metadata.creationTimestamp) ?? 0) - (fromTimestamp(a.metadata.creationTimestamp) ?? 0);
}
