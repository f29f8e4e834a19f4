// The status a ReplicaSet or ReplicationController reports, from the pods it manages.
import { deepEqual, type Condition, type Pod, type ReplicaStatus } from '@corral/core/api';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../pods.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface ReplicaOwner {
  metadata: { generation?: number };
  spec: { minReadySeconds?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: ReplicaStatus;
}

export interface ComputedStatus {
  status: ReplicaStatus;
  /** When a ready pod becomes available (minReadySeconds): sync again then. */
  requeueAfterMs?: number;
}

/** `failure`: why the last create or delete failed; undefined clears the ReplicaFailure condition. */
export function computeReplicaStatus(owner: ReplicaOwner, pods: readonly Pod[], now: number, failure?: { reason: string; message: string }): ComputedStatus {
  const minReady = owner.spec.minReadySeconds ?? 0;
  const templateLabels = owner.spec.template?.metadata?.labels ?? {};
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  let wait: number | undefined;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) ready++;
    if (isPodAvailable(pod, minReady, now)) available++;
    const left = msUntilAvailable(pod, minReady, now);
    if (left !== undefined) wait = Math.min(wait ?? Infinity, left);
  }
  const status: ReplicaStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: owner.metadata.generation ?? 0,
  };
  const conditions = withFailureCondition(owner.status?.conditions ?? [], failure, now);
  if (conditions.length > 0) status.conditions = conditions;
  return wait === undefined ? { status } : { status, requeueAfterMs: wait + 10 };
}

function withFailureCondition(conditions: readonly Condition[], failure: { reason: string; message: string } | undefined, now: number): Condition[] {
  const others = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  if (!failure) return others;
  const previous = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (previous && previous.reason === failure.reason && previous.message === failure.message) return [...others, previous];
  return [...others, { type: REPLICA_FAILURE, status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: new Date(now).toISOString() }];
}

export function statusChanged(before: ReplicaStatus | undefined, after: ReplicaStatus): boolean {
  const norm = (s: ReplicaStatus | undefined): ReplicaStatus => ({
    replicas: s?.replicas ?? 0,
    fullyLabeledReplicas: s?.fullyLabeledReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    observedGeneration: s?.observedGeneration ?? 0,
    conditions: s?.conditions ?? [],
  });
  return !deepEqual(norm(before), norm(after));
}
