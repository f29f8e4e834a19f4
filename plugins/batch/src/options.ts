// The plugin's options: the pace at which failed Pods are replaced (Kubernetes' 10 s doubling up
// to 6 min; tests set small values).
import Joi from 'joi';
import { DEFAULT_POD_BACKOFF, type PodBackoff } from './job/podBackoff.js';

export interface BatchOptions {
  podFailureBackoff: PodBackoff;
}

export const batchOptionsSchema = Joi.object<BatchOptions>({
  podFailureBackoff: Joi.object<PodBackoff>({
    initialMs: Joi.number().integer().min(0).default(DEFAULT_POD_BACKOFF.initialMs),
    maxMs: Joi.number().integer().min(0).default(DEFAULT_POD_BACKOFF.maxMs),
  }).default(),
});
