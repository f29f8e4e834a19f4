// A Job's Pod, made from its template: the Job's labels (both the batch.kubernetes.io/ names and
// the short legacy ones, which kubectl and older tools select on) and a controller reference.
import { JOB_CONTROLLER_UID_LABEL, JOB_NAME_LABEL, type Job, type Pod } from '@corral/core/api';
import { newControllerRef } from '@corral/core/client';
import { JOB_KIND } from '../resources.js';

export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

// Kubernetes' limit, so that the 5-character random suffix keeps the name within 63.
const MAX_GENERATE_NAME = 58;

export function podForJob(job: Job): Pod {
  const template = structuredClone(job.spec.template);
  const name = job.metadata.name!;
  const uid = job.metadata.uid!;
  const labels = {
    ...template.metadata?.labels,
    [JOB_CONTROLLER_UID_LABEL]: uid,
    [JOB_NAME_LABEL]: name,
    [LEGACY_CONTROLLER_UID_LABEL]: uid,
    [LEGACY_JOB_NAME_LABEL]: name,
  };
  const metadata: Pod['metadata'] = {
    generateName: `${name}-`.slice(0, MAX_GENERATE_NAME),
    namespace: job.metadata.namespace,
    labels,
    ownerReferences: [newControllerRef(job, JOB_KIND)],
  };
  if (template.metadata?.annotations) metadata.annotations = template.metadata.annotations;
  if (template.metadata?.finalizers) metadata.finalizers = template.metadata.finalizers;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: template.spec };
}
