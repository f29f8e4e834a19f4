// The shapes of the batch/v1 kinds.
import Joi from 'joi';
import {
  bool,
  conditions,
  kindSchema,
  labelSelector,
  nonNegativeInt,
  objectMeta,
  objectReference,
  oneOf,
  requiredStr,
  str,
  strictObject,
  timestamp,
} from './common.js';
import { podTemplateSpec } from './pod.js';

export const jobSpec = strictObject({
  parallelism: nonNegativeInt,
  completions: nonNegativeInt,
  activeDeadlineSeconds: Joi.number().integer().min(1),
  backoffLimit: nonNegativeInt,
  selector: labelSelector,
  manualSelector: bool,
  template: podTemplateSpec.required(),
  ttlSecondsAfterFinished: nonNegativeInt,
  completionMode: oneOf('NonIndexed', 'Indexed'),
  suspend: bool,
});

export const jobSchema = kindSchema('batch/v1', 'Job', {
  spec: jobSpec.required(),
  status: strictObject({
    conditions,
    startTime: timestamp,
    completionTime: timestamp,
    active: nonNegativeInt,
    succeeded: nonNegativeInt,
    failed: nonNegativeInt,
    ready: nonNegativeInt,
  }),
});

export const cronJobSchema = kindSchema('batch/v1', 'CronJob', {
  spec: strictObject({
    schedule: requiredStr,
    timeZone: str,
    startingDeadlineSeconds: nonNegativeInt,
    concurrencyPolicy: oneOf('Allow', 'Forbid', 'Replace'),
    suspend: bool,
    jobTemplate: strictObject({ metadata: objectMeta, spec: jobSpec.required() }).required(),
    successfulJobsHistoryLimit: nonNegativeInt,
    failedJobsHistoryLimit: nonNegativeInt,
  }).required(),
  status: strictObject({
    active: Joi.array().items(objectReference),
    lastScheduleTime: timestamp,
    lastSuccessfulTime: timestamp,
  }),
});
