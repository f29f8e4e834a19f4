// The CronJob controller's decision, as a pure function of the CronJob, its Jobs and the time:
// the status (active Jobs, last schedule and success), the Job to start now if any, the Jobs to
// delete (Replace, history limits), the Events, and when to look again. Kubernetes' rules
// (pkg/controller/cronjob): concurrencyPolicy, suspend, startingDeadlineSeconds, history limits.
import type { CronJob, Job } from '@corral/core/api';
import { jobFinishedAs } from '../conditions.js';
import type { PlannedEvent } from '../job/planJob.js';
import { fromTimestamp, toTimestamp } from '../time.js';
import { jobForCronJob, jobNameFor } from './jobForCronJob.js';
import { MAX_MISSED_RUNS, type Schedule } from './schedule.js';

export type CronJobStatus = NonNullable<CronJob['status']>;
export type ActiveRef = NonNullable<CronJobStatus['active']>[number];

export const DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT = 3;
export const DEFAULT_FAILED_JOBS_HISTORY_LIMIT = 1;
/** Kubernetes looks again a little after the next run time, so that the run is due by then. */
export const NEXT_RUN_SLACK_MS = 100;

export interface CronJobPlanInput {
  cronJob: CronJob;
  /** The Jobs this CronJob controls. */
  jobs: readonly Job[];
  /** uids of active Jobs the API confirmed are gone (not merely missing from the cache). */
  goneJobs: ReadonlySet<string>;
  now: number;
  schedule: Schedule;
}

export interface CronJobPlan {
  /** The status to write once `createJob` (if any) exists. */
  status: CronJobStatus;
  /** The Job to start for `scheduledTime`. */
  createJob?: Job;
  scheduledTime?: number;
  /** Active Jobs to delete before the new one starts (concurrencyPolicy Replace). */
  replaceJobs: ActiveRef[];
  /** Finished Jobs past the history limits. */
  deleteJobs: Job[];
  events: PlannedEvent[];
  requeueAfterMs?: number;
}

export function activeRefFor(job: Job): ActiveRef {
  return { apiVersion: 'batch/v1', kind: 'Job', namespace: job.metadata.namespace!, name: job.metadata.name!, uid: job.metadata.uid! };
}

function startOf(job: Job): number {
  return fromTimestamp(job.status?.startTime) ?? fromTimestamp(job.metadata.creationTimestamp) ?? 0;
}

/** The oldest finished Jobs past the limits (by start time, as Kubernetes orders them). */
export function jobsPastHistoryLimits(cronJob: CronJob, jobs: readonly Job[]): Job[] {
  const pick = (outcome: 'Complete' | 'Failed', limit: number): Job[] => {
    const finished = jobs.filter((j) => jobFinishedAs(j) === outcome && !j.metadata.deletionTimestamp).sort((a, b) => startOf(a) - startOf(b));
    return finished.slice(0, Math.max(0, finished.length - limit));
  };
  return [
    ...pick('Complete', cronJob.spec.successfulJobsHistoryLimit ?? DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT),
    ...pick('Failed', cronJob.spec.failedJobsHistoryLimit ?? DEFAULT_FAILED_JOBS_HISTORY_LIMIT),
  ];
}

/** status.active and lastSuccessfulTime brought in line with the Jobs that exist. */
function reconcileActive(input: CronJobPlanInput, events: PlannedEvent[]): CronJobStatus {
  const { cronJob, jobs, goneJobs } = input;
  const previous = cronJob.status ?? {};
  const byUid = new Map(jobs.map((j) => [j.metadata.uid!, j]));
  const active: ActiveRef[] = [];
  for (const ref of previous.active ?? []) {
    const job = ref.uid ? byUid.get(ref.uid) : undefined;
    if (job) {
      const outcome = jobFinishedAs(job);
      if (outcome) events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${job.metadata.name}, condition: ${outcome}` });
      else active.push(ref);
    } else if (ref.uid && goneJobs.has(ref.uid)) {
      events.push({ type: 'Normal', reason: 'MissingJob', message: `Active job went missing: ${ref.name}` });
    } else {
      // Not in the cache yet (just created): keep it until the API says it is gone.
      active.push(ref);
    }
  }
  // A running Job of ours missing from the list: the status write after its create was lost.
  const listed = new Set(active.map((r) => r.uid));
  for (const job of jobs) {
    if (!listed.has(job.metadata.uid) && !jobFinishedAs(job) && !job.metadata.deletionTimestamp) active.push(activeRefFor(job));
  }
  const status: CronJobStatus = { ...previous, active };
  let lastSuccess = fromTimestamp(previous.lastSuccessfulTime);
  for (const job of jobs) {
    const completed = jobFinishedAs(job) === 'Complete' ? fromTimestamp(job.status?.completionTime) : undefined;
    if (completed !== undefined && (lastSuccess === undefined || completed > lastSuccess)) lastSuccess = completed;
  }
  if (lastSuccess !== undefined) status.lastSuccessfulTime = toTimestamp(lastSuccess);
  if (active.length === 0) delete status.active;
  return status;
}

function requeueFor(schedule: Schedule, now: number): number {
  return schedule.next(now) - now + NEXT_RUN_SLACK_MS;
}

export function planCronJob(input: CronJobPlanInput): CronJobPlan {
  const { cronJob, now, schedule } = input;
  const events: PlannedEvent[] = [];
  const status = reconcileActive(input, events);
  const plan: CronJobPlan = { status, replaceJobs: [], deleteJobs: jobsPastHistoryLimits(cronJob, input.jobs), events };
  if (cronJob.metadata.deletionTimestamp || cronJob.spec.suspend) return plan;

  plan.requeueAfterMs = requeueFor(schedule, now);
  const lastScheduled = fromTimestamp(status.lastScheduleTime);
  const since = lastScheduled ?? fromTimestamp(cronJob.metadata.creationTimestamp) ?? now;
  const deadline = cronJob.spec.startingDeadlineSeconds;
  // Runs older than the starting deadline are neither started nor counted as missed.
  const earliest = deadline === undefined ? since : Math.max(since, now - deadline * 1000);
  const { mostRecent, missed } = schedule.between(earliest, now);
  if (mostRecent === undefined) {
    const skipped = earliest > since ? schedule.between(since, earliest).mostRecent : undefined;
    if (skipped !== undefined) {
      events.push({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${toTimestamp(skipped)}` });
    }
    return plan;
  }
  if (missed > MAX_MISSED_RUNS) {
    events.push({
      type: 'Warning',
      reason: 'TooManyMissedTimes',
      message: `too many missed start times: more than ${MAX_MISSED_RUNS}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    });
  }
  const name = jobNameFor(cronJob, mostRecent);
  const active = status.active ?? [];
  if (lastScheduled === mostRecent) return plan;
  if (active.some((ref) => ref.name === name) || input.jobs.some((job) => job.metadata.name === name)) {
    // Started before a restart whose status write was lost: record it, start nothing.
    status.lastScheduleTime = toTimestamp(mostRecent);
    return plan;
  }

  const policy = cronJob.spec.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    events.push({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    return plan;
  }
  if (policy === 'Replace' && active.length > 0) {
    plan.replaceJobs = active;
    delete status.active;
  }
  plan.createJob = jobForCronJob(cronJob, mostRecent);
  plan.scheduledTime = mostRecent;
  status.lastScheduleTime = toTimestamp(mostRecent);
  return plan;
}
