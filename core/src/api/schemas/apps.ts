// The shapes of the apps/v1 kinds.
import Joi from 'joi';
import { intOrString, kindSchema, labelSelector, nonNegativeInt, oneOf, strictObject } from './common.js';
import { replicaStatus } from './core.js';
import { podTemplateSpec } from './pod.js';

export const replicaSetSchema = kindSchema('apps/v1', 'ReplicaSet', {
  spec: strictObject({
    replicas: nonNegativeInt,
    minReadySeconds: nonNegativeInt,
    selector: labelSelector.required(),
    template: podTemplateSpec,
  }).required(),
  status: strictObject(replicaStatus),
});

export const deploymentSchema = kindSchema('apps/v1', 'Deployment', {
  spec: strictObject({
    replicas: nonNegativeInt,
    selector: labelSelector.required(),
    template: podTemplateSpec.required(),
    strategy: strictObject({
      type: oneOf('RollingUpdate', 'Recreate'),
      rollingUpdate: strictObject({ maxSurge: intOrString, maxUnavailable: intOrString }),
    }),
    minReadySeconds: nonNegativeInt,
    revisionHistoryLimit: nonNegativeInt,
    paused: Joi.boolean(),
    progressDeadlineSeconds: Joi.number().integer().min(1),
  }).required(),
  status: strictObject({
    ...replicaStatus,
    updatedReplicas: nonNegativeInt,
    unavailableReplicas: nonNegativeInt,
    collisionCount: nonNegativeInt,
  }),
});
