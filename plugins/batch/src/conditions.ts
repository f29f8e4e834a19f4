// The conditions of a Job: Complete and Failed end it; Suspended says why nothing runs.
import type { Condition, Job } from '@corral/core/api';
import { fromTimestamp } from './time.js';

export type JobConditionType = 'Complete' | 'Failed' | 'Suspended';

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function isTrue(job: Job, type: JobConditionType): boolean {
  return findCondition(job.status?.conditions, type)?.status === 'True';
}

/** 'Complete', 'Failed', or undefined while the Job may still run. */
export function jobFinishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  if (isTrue(job, 'Complete')) return 'Complete';
  if (isTrue(job, 'Failed')) return 'Failed';
  return undefined;
}

/** When the Job finished: its completionTime, else when its Failed condition turned True. */
export function jobFinishTime(job: Job): number | undefined {
  const finished = jobFinishedAs(job);
  if (!finished) return undefined;
  const completion = fromTimestamp(job.status?.completionTime);
  if (completion !== undefined) return completion;
  return fromTimestamp(findCondition(job.status?.conditions, finished)?.lastTransitionTime);
}

/**
 * `conditions` with `type` set to the given status. A condition keeps its lastTransitionTime
 * while its status stays the same, as Kubernetes does; returns the same array when nothing changed.
 */
export function withCondition(
  conditions: readonly Condition[] | undefined,
  next: { type: JobConditionType; status: Condition['status']; reason: string; message: string },
  now: string,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const old = index >= 0 ? list[index] : undefined;
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message) return list;
  const condition: Condition = {
    type: next.type,
    status: next.status,
    reason: next.reason,
    message: next.message,
    lastProbeTime: now,
    lastTransitionTime: old && old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : now,
  };
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  return list;
}
