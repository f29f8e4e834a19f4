// Which pods go first when a controller scales down, in Kubernetes' order: the ones whose loss
// costs least. Unscheduled before scheduled, pending before running, not ready before ready,
// ready for less time before longer, more restarts before fewer, newer before older.
import type { Pod } from '@corral/core/api';
import { readySince } from './pods.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
}

function created(pod: Pod): number {
  const at = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(at) ? 0 : at;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod): number {
  const assigned = Number(Boolean(a.spec?.nodeName)) - Number(Boolean(b.spec?.nodeName));
  if (assigned !== 0) return assigned;
  const phase = (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0);
  if (phase !== 0) return phase;
  const readyA = readySince(a);
  const readyB = readySince(b);
  if ((readyA === undefined) !== (readyB === undefined)) return readyA === undefined ? -1 : 1;
  // Both ready: the one ready more recently goes first.
  if (readyA !== undefined && readyB !== undefined && readyA !== readyB) return readyB - readyA;
  const restartDiff = restarts(b) - restarts(a);
  if (restartDiff !== 0) return restartDiff;
  const age = created(b) - created(a);
  if (age !== 0) return age;
  return (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
}

/** The `count` pods to delete first. */
export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  if (count <= 0) return [];
  return [...pods].sort(compareForDeletion).slice(0, count);
}
