// The CronJob controller: starts a CronJob's Jobs on schedule (see planCronJob for the rules),
// carries out the plan through the API and writes the status, then asks to run again just after
// the next scheduled time. Time comes from ctx.clock, so tests can move it by hand.
import { deepEqual, isApiError, type CronJob, type Job } from '@corral/core/api';
import { isControlledBy } from '@corral/core/client';
import type { ControllerRegistration, ReconcileContext, ReconcileResult } from '@corral/core/kernel';
import { jobFinishedAs } from '../conditions.js';
import { CRONJOB_KIND, CRONJOBS, JOB_KIND, JOBS } from '../resources.js';
import { activeRefFor, planCronJob, type ActiveRef, type CronJobPlan } from './planCronJob.js';
import { InvalidScheduleError, parseSchedule, type Schedule } from './schedule.js';

export const CRONJOB_CONTROLLER_NAME = 'cronjob';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function scheduleOf(cronJob: CronJob, key: string, ctx: ReconcileContext): Schedule {
  try {
    return parseSchedule(cronJob.spec.schedule, cronJob.spec.timeZone);
  } catch (error) {
    if (!(error instanceof InvalidScheduleError)) throw error;
    const reason = cronJob.spec.timeZone && error.message.includes('time zone') ? 'UnknownTimeZone' : 'UnparseableSchedule';
    ctx.events.event(cronJob, 'Warning', reason, error.message);
    throw new InvalidScheduleError(`CronJob ${key}: spec.schedule: ${error.message}; fix the CronJob's schedule`);
  }
}

/** uids of active Jobs that the API says no longer exist (a cache miss alone proves nothing). */
async function goneJobs(cronJob: CronJob, jobs: readonly Job[], ctx: ReconcileContext): Promise<Set<string>> {
  const known = new Set(jobs.map((j) => j.metadata.uid));
  const gone = new Set<string>();
  for (const ref of cronJob.status?.active ?? []) {
    if (!ref.uid || !ref.name || known.has(ref.uid)) continue;
    try {
      const job = await ctx.client.get<Job>(JOBS, ref.name, { namespace: ref.namespace ?? cronJob.metadata.namespace!, signal: ctx.signal });
      if (job.metadata.uid !== ref.uid) gone.add(ref.uid);
    } catch (error) {
      if (!isApiError(error, 'NotFound')) throw error;
      gone.add(ref.uid);
    }
  }
  return gone;
}

async function deleteJob(cronJob: CronJob, ref: { name?: string; namespace?: string; uid?: string }, ctx: ReconcileContext): Promise<void> {
  try {
    await ctx.client.delete(JOBS, ref.name!, {
      namespace: ref.namespace ?? cronJob.metadata.namespace!,
      propagationPolicy: 'Background',
      ...(ref.uid ? { preconditions: { uid: ref.uid } } : {}),
      signal: ctx.signal,
    });
    ctx.events.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
  } catch (error) {
    if (isApiError(error, 'NotFound')) return;
    ctx.events.event(cronJob, 'Warning', 'FailedDelete', `Deleted job ${ref.name}: ${errorText(error)}`);
    throw error;
  }
}

/** Creates the planned Job; returns its active reference, or undefined when it already finished. */
async function startJob(cronJob: CronJob, plan: CronJobPlan, ctx: ReconcileContext): Promise<ActiveRef | undefined> {
  const job = plan.createJob!;
  const namespace = cronJob.metadata.namespace!;
  try {
    const created = await ctx.client.create(JOBS, job, { namespace, signal: ctx.signal });
    ctx.events.event(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    return activeRefFor(created);
  } catch (error) {
    if (!isApiError(error, 'AlreadyExists')) {
      ctx.events.event(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${errorText(error)}`);
      throw error;
    }
  }
  // Same name, same scheduled time: an earlier run of this controller made it.
  const existing = await ctx.client.get<Job>(JOBS, job.metadata.name!, { namespace, signal: ctx.signal });
  if (!isControlledBy(existing, cronJob)) {
    throw new Error(`CronJob ${namespace}/${cronJob.metadata.name}: job "${job.metadata.name}" exists but another owner controls it; delete or rename it`);
  }
  return jobFinishedAs(existing) ? undefined : activeRefFor(existing);
}

export async function syncCronJob(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const cronJob = ctx.informers.informer<CronJob>(CRONJOB_KIND).cache.get(key);
  if (!cronJob) return;
  const jobs = ctx.informers
    .informer<Job>(JOB_KIND)
    .cache.byIndex('ownerUid', cronJob.metadata.uid!)
    .filter((job) => isControlledBy(job, cronJob));
  const schedule = scheduleOf(cronJob, key, ctx);
  const plan = planCronJob({ cronJob, jobs, goneJobs: await goneJobs(cronJob, jobs, ctx), now: ctx.clock.now(), schedule });

  for (const ref of plan.replaceJobs) await deleteJob(cronJob, ref, ctx);
  const status = { ...plan.status };
  if (plan.createJob) {
    const ref = await startJob(cronJob, plan, ctx);
    if (ref && !(status.active ?? []).some((r) => r.uid === ref.uid)) status.active = [...(status.active ?? []), ref];
  }
  if (!deepEqual(status, cronJob.status ?? {})) {
    await ctx.client.updateStatus(CRONJOBS, { ...cronJob, status }, { namespace: cronJob.metadata.namespace!, signal: ctx.signal });
  }
  for (const event of plan.events) ctx.events.event(cronJob, event.type, event.reason, event.message);
  for (const job of plan.deleteJobs) await deleteJob(cronJob, { name: job.metadata.name!, namespace: job.metadata.namespace!, uid: job.metadata.uid! }, ctx);
  return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: Math.max(0, plan.requeueAfterMs) };
}

export function cronJobController(): ControllerRegistration {
  return {
    name: CRONJOB_CONTROLLER_NAME,
    for: CRONJOB_KIND,
    owns: [JOB_KIND],
    reconcile: syncCronJob,
  };
}
