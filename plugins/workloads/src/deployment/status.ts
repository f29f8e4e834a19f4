// A Deployment's status and its Available and Progressing conditions, from its ReplicaSets.
import { deepEqual, type Condition, type Deployment, type DeploymentStatus, type ReplicaSet } from '@corral/core/api';
import { resolveFenceposts } from './fenceposts.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';

export const Reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  deadlineExceeded: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function conditionOf(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Sets `next`, keeping lastTransitionTime when the status did not change, and the whole previous
 * condition when nothing changed unless `touch` (progress refreshes lastUpdateTime).
 */
export function setCondition(conditions: readonly Condition[], next: Condition, touch = false): Condition[] {
  const previous = conditions.find((c) => c.type === next.type);
  const kept = previous && previous.status === next.status ? { ...next, lastTransitionTime: previous.lastTransitionTime } : next;
  if (!touch && previous && previous.status === next.status && previous.reason === next.reason && previous.message === next.message) {
    return conditions.map((c) => (c.type === next.type ? previous : c));
  }
  return [...conditions.filter((c) => c.type !== next.type), kept];
}

function condition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const at = new Date(now).toISOString();
  return { type, status, reason, message, lastUpdateTime: at, lastTransitionTime: at };
}

/** The counts, summed over the ReplicaSets. */
export function replicaCounts(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const sum = (f: (rs: ReplicaSet) => number | undefined): number => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const available = sum((rs) => rs.status?.availableReplicas);
  const desired = d.spec.replicas ?? 1;
  return {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum((rs) => rs.status?.replicas),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, desired - available),
  };
}

export function rolloutComplete(d: Deployment, s: DeploymentStatus): boolean {
  const desired = d.spec.replicas ?? 1;
  return s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Something moved toward the goal since `before`. */
function progressed(before: DeploymentStatus | undefined, after: DeploymentStatus): boolean {
  if (!before) return true;
  const oldBefore = (before.replicas ?? 0) - (before.updatedReplicas ?? 0);
  const oldAfter = (after.replicas ?? 0) - (after.updatedReplicas ?? 0);
  return (
    (after.updatedReplicas ?? 0) > (before.updatedReplicas ?? 0) ||
    oldAfter < oldBefore ||
    (after.readyReplicas ?? 0) > (before.readyReplicas ?? 0) ||
    (after.availableReplicas ?? 0) > (before.availableReplicas ?? 0)
  );
}

export interface StatusResult {
  status: DeploymentStatus;
  /** Sync again then, to notice the progress deadline passing. */
  requeueAfterMs?: number;
}

/**
 * The next status. `event`: a ReplicaSet was just created or found for the template (sets
 * Progressing at once). The deadline counts from the Progressing condition's lastUpdateTime.
 */
export function nextStatus(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number, event?: 'created' | 'found'): StatusResult {
  const counts = replicaCounts(d, all, newRS);
  const desired = d.spec.replicas ?? 1;
  const { maxUnavailable } = resolveFenceposts(d.spec.strategy, desired);
  let conditions = [...(d.status?.conditions ?? [])];
  const minimum = (counts.availableReplicas ?? 0) >= desired - maxUnavailable;
  conditions = setCondition(
    conditions,
    minimum
      ? condition(AVAILABLE, 'True', Reasons.minimumAvailable, 'Deployment has minimum availability.', now)
      : condition(AVAILABLE, 'False', Reasons.minimumUnavailable, 'Deployment does not have minimum availability.', now),
  );

  const rsName = newRS ? `ReplicaSet "${newRS.metadata.name}"` : 'The new ReplicaSet';
  const previous = conditionOf(d.status, PROGRESSING);
  const deadline = d.spec.progressDeadlineSeconds;
  let requeueAfterMs: number | undefined;
  if (d.spec.paused) {
    conditions = setCondition(conditions, condition(PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused', now));
  } else if (rolloutComplete(d, counts)) {
    conditions = setCondition(conditions, condition(PROGRESSING, 'True', Reasons.newRSAvailable, `${rsName} has successfully progressed.`, now));
  } else if (event === 'created' || event === 'found') {
    const reason = event === 'created' ? Reasons.newRSCreated : Reasons.foundNewRS;
    const message = event === 'created' ? `Created new replica set "${newRS?.metadata.name}"` : `Found new replica set "${newRS?.metadata.name}"`;
    conditions = setCondition(conditions, condition(PROGRESSING, 'True', reason, message, now));
  } else if (previous?.reason === Reasons.paused || !previous || progressed(d.status, counts)) {
    // Resuming restarts the clock, as does any progress.
    conditions = setCondition(conditions, condition(PROGRESSING, 'True', Reasons.rsUpdated, `${rsName} is progressing.`, now), true);
  } else if (deadline !== undefined && previous.reason !== Reasons.deadlineExceeded && previous.reason !== Reasons.newRSAvailable) {
    const since = Date.parse(previous.lastUpdateTime ?? previous.lastTransitionTime ?? '') || now;
    const left = since + deadline * 1000 - now;
    if (left <= 0) {
      conditions = setCondition(conditions, condition(PROGRESSING, 'False', Reasons.deadlineExceeded, `${rsName} has timed out progressing.`, now));
    } else {
      requeueAfterMs = left + 10;
    }
  }
  // A progressing rollout with a deadline is looked at again when the deadline would pass.
  const current = conditions.find((c) => c.type === PROGRESSING);
  if (requeueAfterMs === undefined && deadline !== undefined && current?.status === 'True' && current.reason !== Reasons.newRSAvailable) {
    const since = Date.parse(current.lastUpdateTime ?? '') || now;
    requeueAfterMs = Math.max(10, since + deadline * 1000 - now + 10);
  }
  const status: DeploymentStatus = { ...counts, conditions };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  return requeueAfterMs === undefined ? { status } : { status, requeueAfterMs };
}

export function deploymentStatusChanged(before: DeploymentStatus | undefined, after: DeploymentStatus): boolean {
  return !deepEqual(before ?? {}, after);
}
