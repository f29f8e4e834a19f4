// The Job controller: runs a Job's Pods to completion (see planJob for the rules). It reads the
// Job and its Pods from the shared caches, carries out the plan through the API and writes the
// status; expectations keep a lagging cache from making it create or delete twice.
import { deepEqual, isApiError, type Job, type Pod } from '@corral/core/api';
import { isControlledBy } from '@corral/core/client';
import type { ControllerRegistration, ReconcileContext, ReconcileResult } from '@corral/core/kernel';
import { JOB_KIND, JOBS, POD_KIND, PODS } from '../resources.js';
import type { PodBackoff } from './podBackoff.js';
import { planJob } from './planJob.js';
import { podForJob } from './podForJob.js';

export const JOB_CONTROLLER_NAME = 'job';

export interface JobControllerOptions {
  podBackoff: PodBackoff;
}

async function createPods(job: Job, key: string, count: number, ctx: ReconcileContext): Promise<number> {
  if (count <= 0) return 0;
  ctx.expectations.expectCreations(key, count);
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => ctx.client.create(PODS, podForJob(job), { namespace: job.metadata.namespace!, signal: ctx.signal })),
  );
  let created = 0;
  let firstError: unknown;
  for (const result of results) {
    if (result.status === 'fulfilled') {
      created++;
      ctx.events.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${result.value.metadata.name}`);
    } else {
      // The informer will never see this one.
      ctx.expectations.creationObserved(key);
      firstError ??= result.reason;
      ctx.events.event(job, 'Warning', 'FailedCreate', `Error creating pod: ${errorText(result.reason)}`);
    }
  }
  if (firstError !== undefined && created === 0) throw firstError;
  return created;
}

async function deletePods(job: Job, key: string, pods: readonly Pod[], ctx: ReconcileContext): Promise<void> {
  if (pods.length === 0) return;
  ctx.expectations.expectDeletions(key, pods.length);
  const results = await Promise.allSettled(
    pods.map((pod) =>
      ctx.client.delete(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace!, preconditions: { uid: pod.metadata.uid! }, signal: ctx.signal }),
    ),
  );
  let firstError: unknown;
  results.forEach((result, i) => {
    const pod = pods[i]!;
    if (result.status === 'fulfilled') {
      ctx.events.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      return;
    }
    ctx.expectations.deletionObserved(key);
    if (isApiError(result.reason, 'NotFound')) return;
    firstError ??= result.reason;
    ctx.events.event(job, 'Warning', 'FailedDelete', `Error deleting pod ${pod.metadata.name}: ${errorText(result.reason)}`);
  });
  if (firstError !== undefined) throw firstError;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function syncJob(key: string, ctx: ReconcileContext, options: JobControllerOptions): Promise<ReconcileResult | void> {
  const job = ctx.informers.informer<Job>(JOB_KIND).cache.get(key);
  if (!job) {
    ctx.expectations.delete(key);
    return;
  }
  const pods = ctx.informers
    .informer<Pod>(POD_KIND)
    .cache.byIndex('ownerUid', job.metadata.uid!)
    .filter((pod) => isControlledBy(pod, job));
  const plan = planJob({ job, pods, now: ctx.clock.now(), backoff: options.podBackoff, canManage: ctx.expectations.satisfied(key) });
  const namespace = job.metadata.namespace!;

  if (plan.deleteJob) {
    try {
      await ctx.client.delete(JOBS, job.metadata.name!, { namespace, propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid! }, signal: ctx.signal });
    } catch (error) {
      if (!isApiError(error, 'NotFound')) throw error;
    }
    return;
  }

  await deletePods(job, key, plan.deletePods, ctx);
  const created = await createPods(job, key, plan.createPods, ctx);
  const status = { ...plan.status };
  if (created < plan.createPods) status.active = (status.active ?? 0) - (plan.createPods - created);

  if (!deepEqual(status, job.status ?? {})) {
    await ctx.client.updateStatus(JOBS, { ...job, status }, { namespace, signal: ctx.signal });
  }
  for (const event of plan.events) ctx.events.event(job, event.type, event.reason, event.message);
  return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: Math.max(0, plan.requeueAfterMs) };
}

export function jobController(options: JobControllerOptions): ControllerRegistration {
  return {
    name: JOB_CONTROLLER_NAME,
    for: JOB_KIND,
    owns: [POD_KIND],
    reconcile: (key, ctx) => syncJob(key, ctx, options),
  };
}
