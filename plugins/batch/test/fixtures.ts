// Objects for the unit tests: Jobs, Pods and CronJobs as the API would hand them out.
import type { CronJob, Job, Pod } from '@corral/core';
import { toTimestamp } from '../src/time.js';

export const T0 = Date.UTC(2025, 0, 1);

let serial = 0;

export function makeJob(spec: Partial<Job['spec']> = {}, status?: Job['status']): Job {
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'work', namespace: 'default', uid: 'job-uid', creationTimestamp: toTimestamp(T0) },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      template: { metadata: { labels: { app: 'work' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  };
  if (status) job.status = status;
  return job;
}

export interface PodShape {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  /** When it finished (ms). */
  finishedAt?: number;
  restarts?: number;
  nodeName?: string;
  deleting?: boolean;
}

export function makePod(shape: PodShape = {}): Pod {
  const n = ++serial;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `work-${n}`, namespace: 'default', uid: `pod-${n}`, creationTimestamp: toTimestamp(T0 + n * 1000) },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(shape.nodeName ? { nodeName: shape.nodeName } : {}) },
    status: {
      phase: shape.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: shape.ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'c',
          ready: shape.ready ?? false,
          restartCount: shape.restarts ?? 0,
          image: 'busybox',
          imageID: '',
          ...(shape.finishedAt !== undefined ? { state: { terminated: { exitCode: shape.phase === 'Failed' ? 1 : 0, finishedAt: toTimestamp(shape.finishedAt) } } } : {}),
        },
      ],
    },
  };
  if (shape.deleting) pod.metadata.deletionTimestamp = toTimestamp(T0);
  return pod;
}

export function pods(count: number, shape: PodShape = {}): Pod[] {
  return Array.from({ length: count }, () => makePod(shape));
}

export function makeCronJob(spec: Partial<CronJob['spec']> = {}, status?: CronJob['status']): CronJob {
  const cronJob: CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default', uid: 'cj-uid', creationTimestamp: toTimestamp(T0) },
    spec: {
      schedule: '*/1 * * * *',
      timeZone: 'UTC',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'tick' } }, spec: makeJob().spec },
      ...spec,
    },
  };
  if (status) cronJob.status = status;
  return cronJob;
}

/** A Job of the CronJob, as the controller would have made it, in the given state. */
export function childJob(name: string, state: 'running' | 'complete' | 'failed', at: number): Job {
  const job = makeJob();
  job.metadata = {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    creationTimestamp: toTimestamp(at),
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true }],
  };
  job.status = { startTime: toTimestamp(at), active: state === 'running' ? 1 : 0 };
  if (state === 'complete') {
    job.status.completionTime = toTimestamp(at + 5000);
    job.status.conditions = [{ type: 'Complete', status: 'True', lastTransitionTime: toTimestamp(at + 5000) }];
  } else if (state === 'failed') {
    job.status.conditions = [{ type: 'Failed', status: 'True', lastTransitionTime: toTimestamp(at + 5000) }];
  }
  return job;
}
