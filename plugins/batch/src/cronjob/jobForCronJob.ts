// The Job a CronJob starts for one scheduled time. Its name is derived from that time, so a
// restarted controller that tries the same run again gets "already exists", never a second Job.
import { newControllerRef } from '@corral/core/client';
import type { CronJob, Job } from '@corral/core/api';
import { CRONJOB_KIND } from '../resources.js';
import { toTimestamp } from '../time.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** `<cronjob>-<scheduled time in minutes since the epoch>`, as Kubernetes names them. */
export function jobNameFor(cronJob: CronJob, scheduledTime: number): string {
  return `${cronJob.metadata.name}-${Math.floor(scheduledTime / 60_000)}`;
}

export function jobForCronJob(cronJob: CronJob, scheduledTime: number): Job {
  const template = structuredClone(cronJob.spec.jobTemplate);
  const metadata: Job['metadata'] = {
    name: jobNameFor(cronJob, scheduledTime),
    namespace: cronJob.metadata.namespace,
    labels: { ...template.metadata?.labels },
    annotations: { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP_ANNOTATION]: toTimestamp(scheduledTime) },
    ownerReferences: [newControllerRef(cronJob, CRONJOB_KIND)],
  };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: template.spec };
}
