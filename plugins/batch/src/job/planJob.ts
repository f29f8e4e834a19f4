// The Job controller's decision, as a pure function of the Job, its Pods and the time: which Pods
// to create or delete, the status to write, the Events to record and when to look again. The
// rules are Kubernetes' (pkg/controller/job): completions, parallelism, backoffLimit,
// activeDeadlineSeconds, suspend and ttlSecondsAfterFinished.
import type { Job, JobStatus, Pod } from '@corral/core/api';
import { findCondition, jobFinishTime, jobFinishedAs, withCondition } from '../conditions.js';
import { fromTimestamp, toTimestamp } from '../time.js';
import { remainingBackoff, type PodBackoff } from './podBackoff.js';
import { deletionOrder, isActive, isFailed, isReady, isSucceeded, restartCount } from './podState.js';

export const DEFAULT_BACKOFF_LIMIT = 6;

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface JobPlanInput {
  job: Job;
  /** The Pods this Job controls, in any phase. */
  pods: readonly Pod[];
  now: number;
  backoff: PodBackoff;
  /** False while creates or deletes of an earlier sync are not yet in the cache: then only status is computed. */
  canManage: boolean;
}

export interface JobPlan {
  /** The status to write (compare with the Job's own to skip a no-op write). */
  status: JobStatus;
  /** How many Pods to create from the template; `status.active` already counts them. */
  createPods: number;
  deletePods: Pod[];
  events: PlannedEvent[];
  /** The Job finished and outlived ttlSecondsAfterFinished. */
  deleteJob: boolean;
  requeueAfterMs?: number;
}

function planFinished(job: Job, pods: readonly Pod[], now: number): JobPlan {
  // A Pod whose create was still in flight when the Job failed is stopped now.
  const plan: JobPlan = { status: job.status ?? {}, createPods: 0, deletePods: pods.filter(isActive), events: [], deleteJob: false };
  const ttl = job.spec.ttlSecondsAfterFinished;
  const finishedAt = jobFinishTime(job);
  if (ttl === undefined || finishedAt === undefined || job.metadata.deletionTimestamp) return plan;
  const expiresIn = finishedAt + ttl * 1000 - now;
  if (expiresIn <= 0) plan.deleteJob = true;
  else plan.requeueAfterMs = expiresIn;
  return plan;
}

/** Why the Job has failed, or undefined. */
function failureOf(job: Job, failed: number, active: readonly Pod[], startTime: number | undefined, now: number) {
  const backoffLimit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
  if (failed > backoffLimit) {
    return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  }
  // With OnFailure the agent restarts containers in place; their restarts count as failures.
  if (job.spec.template.spec.restartPolicy === 'OnFailure') {
    const restarts = active.reduce((sum, pod) => sum + restartCount(pod), 0);
    if (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit) {
      return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    }
  }
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && startTime !== undefined && now - startTime >= deadline * 1000) {
    return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  return undefined;
}

/** How many Pods should be running now. */
function wantedActive(job: Job, active: number, succeeded: number): number {
  if (job.spec.suspend) return 0;
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  // Without completions, the first success means the work is done: start nothing new.
  if (completions === undefined || completions === null) return succeeded > 0 ? Math.min(active, parallelism) : parallelism;
  return Math.max(0, Math.min(parallelism, completions - succeeded));
}

function minDelay(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export function planJob(input: JobPlanInput): JobPlan {
  const { job, pods, now } = input;
  if (jobFinishedAs(job)) return planFinished(job, pods, now);
  const stamp = toTimestamp(now);
  const previous = job.status ?? {};
  const status: JobStatus = { ...previous };
  const events: PlannedEvent[] = [];
  const plan: JobPlan = { status, createPods: 0, deletePods: [], events, deleteJob: false };

  let active = pods.filter(isActive);
  // Counts never go down: a finished Pod deleted by someone else stays counted.
  const succeeded = Math.max(previous.succeeded ?? 0, pods.filter(isSucceeded).length);
  let failed = Math.max(previous.failed ?? 0, pods.filter(isFailed).length);
  let conditions = previous.conditions;

  const suspended = job.spec.suspend === true;
  if (suspended) {
    if (findCondition(conditions, 'Suspended')?.status !== 'True') events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
    conditions = withCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, stamp);
  } else {
    if (findCondition(conditions, 'Suspended')?.status === 'True') {
      conditions = withCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, stamp);
      events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
      // The deadline counts time running, not time suspended.
      status.startTime = stamp;
    }
    status.startTime ??= stamp;
  }

  const startTime = suspended ? undefined : fromTimestamp(status.startTime);
  const failure = failureOf(job, failed, active, startTime, now);
  if (failure) {
    plan.deletePods = active;
    failed += active.length;
    active = [];
    conditions = withCondition(conditions, { type: 'Failed', status: 'True', ...failure }, stamp);
    events.push({ type: 'Warning', ...failure });
    Object.assign(status, { active: 0, ready: 0, succeeded, failed, conditions });
    return plan;
  }

  if (input.canManage && !job.metadata.deletionTimestamp) {
    const want = wantedActive(job, active.length, succeeded);
    if (active.length > want) {
      plan.deletePods = [...active].sort(deletionOrder).slice(0, active.length - want);
      const deleted = new Set(plan.deletePods);
      active = active.filter((p) => !deleted.has(p));
    } else if (active.length < want) {
      const wait = remainingBackoff(pods, now, input.backoff);
      if (wait > 0) plan.requeueAfterMs = wait;
      else plan.createPods = want - active.length;
    }
  }

  const activeCount = active.length + plan.createPods;
  const completions = job.spec.completions;
  const complete =
    activeCount === 0 && (completions === undefined || completions === null ? succeeded > 0 : succeeded >= completions);
  if (complete) {
    conditions = withCondition(conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, stamp);
    status.completionTime = stamp;
    events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl !== undefined) plan.requeueAfterMs = ttl * 1000;
  } else if (!suspended && startTime !== undefined && job.spec.activeDeadlineSeconds !== undefined) {
    plan.requeueAfterMs = minDelay(plan.requeueAfterMs, startTime + job.spec.activeDeadlineSeconds * 1000 - now);
  }

  Object.assign(status, { active: activeCount, ready: active.filter(isReady).length, succeeded, failed });
  if (conditions) status.conditions = conditions;
  return plan;
}
