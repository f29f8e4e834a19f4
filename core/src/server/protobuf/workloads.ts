// apps/v1, batch/v1, coordination.k8s.io/v1 kinds and the subresource bodies (Scale, Eviction).
import { DeleteOptions, LabelSelector, ObjectMeta } from './meta.js';
import { PodTemplateSpec } from './pod.js';
import { ObjectReference } from './core.js';
import { KEEP, LIST, message } from './schema.js';

const APPS = 'k8s.io.api.apps.v1';
const BATCH = 'k8s.io.api.batch.v1';

const DeploymentCondition = message(`${APPS}.DeploymentCondition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  6: ['lastUpdateTime', 'time'],
  7: ['lastTransitionTime', 'time'],
  4: 'reason',
  5: 'message',
});

export const Deployment = message(`${APPS}.Deployment`, {
  1: ['metadata', ObjectMeta],
  2: [
    'spec',
    message(`${APPS}.DeploymentSpec`, {
      1: ['replicas', 'int', KEEP],
      2: ['selector', LabelSelector],
      3: ['template', PodTemplateSpec],
      4: [
        'strategy',
        message(`${APPS}.DeploymentStrategy`, {
          1: 'type',
          2: [
            'rollingUpdate',
            message(`${APPS}.RollingUpdateDeployment`, {
              1: ['maxUnavailable', 'intstr', KEEP],
              2: ['maxSurge', 'intstr', KEEP],
            }),
          ],
        }),
      ],
      5: ['minReadySeconds', 'int'],
      6: ['revisionHistoryLimit', 'int', KEEP],
      7: ['paused', 'bool'],
      9: ['progressDeadlineSeconds', 'int', KEEP],
    }),
  ],
  3: [
    'status',
    message(`${APPS}.DeploymentStatus`, {
      1: ['observedGeneration', 'int'],
      2: ['replicas', 'int'],
      3: ['updatedReplicas', 'int'],
      7: ['readyReplicas', 'int'],
      4: ['availableReplicas', 'int'],
      5: ['unavailableReplicas', 'int'],
      6: ['conditions', DeploymentCondition, LIST],
      8: ['collisionCount', 'int', KEEP],
    }),
  ],
});

export const ReplicaSet = message(`${APPS}.ReplicaSet`, {
  1: ['metadata', ObjectMeta],
  2: [
    'spec',
    message(`${APPS}.ReplicaSetSpec`, {
      1: ['replicas', 'int', KEEP],
      4: ['minReadySeconds', 'int'],
      2: ['selector', LabelSelector],
      3: ['template', PodTemplateSpec],
    }),
  ],
  3: [
    'status',
    message(`${APPS}.ReplicaSetStatus`, {
      1: ['replicas', 'int', KEEP],
      2: ['fullyLabeledReplicas', 'int'],
      4: ['readyReplicas', 'int'],
      5: ['availableReplicas', 'int'],
      3: ['observedGeneration', 'int'],
      6: [
        'conditions',
        message(`${APPS}.ReplicaSetCondition`, {
          1: ['type', 'string', KEEP],
          2: ['status', 'string', KEEP],
          3: ['lastTransitionTime', 'time'],
          4: 'reason',
          5: 'message',
        }),
        LIST,
      ],
    }),
  ],
});

const JobSpec = message(`${BATCH}.JobSpec`, {
  1: ['parallelism', 'int', KEEP],
  2: ['completions', 'int', KEEP],
  3: ['activeDeadlineSeconds', 'int', KEEP],
  7: ['backoffLimit', 'int', KEEP],
  4: ['selector', LabelSelector],
  5: ['manualSelector', 'bool', KEEP],
  6: ['template', PodTemplateSpec],
  8: ['ttlSecondsAfterFinished', 'int', KEEP],
  9: ['completionMode', 'string', KEEP],
  10: ['suspend', 'bool', KEEP],
});

const JobCondition = message(`${BATCH}.JobCondition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  3: ['lastProbeTime', 'time'],
  4: ['lastTransitionTime', 'time'],
  5: 'reason',
  6: 'message',
});

export const Job = message(`${BATCH}.Job`, {
  1: ['metadata', ObjectMeta],
  2: ['spec', JobSpec],
  3: [
    'status',
    message(`${BATCH}.JobStatus`, {
      1: ['conditions', JobCondition, LIST],
      2: ['startTime', 'time'],
      3: ['completionTime', 'time'],
      4: ['active', 'int'],
      5: ['succeeded', 'int'],
      6: ['failed', 'int'],
      9: ['ready', 'int', KEEP],
    }),
  ],
});

export const CronJob = message(`${BATCH}.CronJob`, {
  1: ['metadata', ObjectMeta],
  2: [
    'spec',
    message(`${BATCH}.CronJobSpec`, {
      1: ['schedule', 'string', KEEP],
      8: ['timeZone', 'string', KEEP],
      2: ['startingDeadlineSeconds', 'int', KEEP],
      3: 'concurrencyPolicy',
      4: ['suspend', 'bool', KEEP],
      5: ['jobTemplate', message(`${BATCH}.JobTemplateSpec`, { 1: ['metadata', ObjectMeta], 2: ['spec', JobSpec] })],
      6: ['successfulJobsHistoryLimit', 'int', KEEP],
      7: ['failedJobsHistoryLimit', 'int', KEEP],
    }),
  ],
  3: [
    'status',
    message(`${BATCH}.CronJobStatus`, {
      1: ['active', ObjectReference, LIST],
      4: ['lastScheduleTime', 'time'],
      5: ['lastSuccessfulTime', 'time'],
    }),
  ],
});

export const Lease = message('k8s.io.api.coordination.v1.Lease', {
  1: ['metadata', ObjectMeta],
  2: [
    'spec',
    message('k8s.io.api.coordination.v1.LeaseSpec', {
      1: ['holderIdentity', 'string', KEEP],
      2: ['leaseDurationSeconds', 'int', KEEP],
      3: ['acquireTime', 'microtime', KEEP],
      4: ['renewTime', 'microtime', KEEP],
      5: ['leaseTransitions', 'int', KEEP],
      6: ['strategy', 'string', KEEP],
      7: ['preferredHolder', 'string', KEEP],
    }),
  ],
});

export const Scale = message('k8s.io.api.autoscaling.v1.Scale', {
  1: ['metadata', ObjectMeta],
  2: ['spec', message('k8s.io.api.autoscaling.v1.ScaleSpec', { 1: ['replicas', 'int'] })],
  3: [
    'status',
    message('k8s.io.api.autoscaling.v1.ScaleStatus', { 1: ['replicas', 'int', KEEP], 2: 'selector' }),
  ],
});

export const Eviction = message('k8s.io.api.policy.v1.Eviction', {
  1: ['metadata', ObjectMeta],
  2: ['deleteOptions', DeleteOptions],
});
