// The shape of coordination.k8s.io/v1 Lease.
import Joi from 'joi';
import { kindSchema, nonNegativeInt, str, strictObject, timestamp } from './common.js';

export const leaseSchema = kindSchema('coordination.k8s.io/v1', 'Lease', {
  spec: strictObject({
    holderIdentity: str,
    leaseDurationSeconds: Joi.number().integer().min(1),
    acquireTime: timestamp,
    renewTime: timestamp,
    leaseTransitions: nonNegativeInt,
    strategy: str,
    preferredHolder: str,
  }),
});
