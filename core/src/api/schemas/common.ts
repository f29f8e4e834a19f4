// Building blocks of the kind schemas. Objects are strict (unknown keys are errors, as with
// kubectl's strict validation); strings may be '' unless required, since Kubernetes treats ''
// as "not set". Rules joi cannot say well (names, label syntax, cross-field) live in validation/.
import Joi from 'joi';
import { quantityProblem } from '../quantity.js';

/** Thrown from a custom rule when the value has the wrong JSON type (a FieldValueTypeInvalid). */
export class TypeMismatch extends Error {
  override readonly name = 'TypeMismatch';
}

export const str = Joi.string().allow('');
export const requiredStr = Joi.string().required();
export const int = Joi.number().integer();
export const nonNegativeInt = Joi.number().integer().min(0);
export const bool = Joi.boolean();
export const timestamp = Joi.string().isoDate();
export const stringMap = Joi.object().pattern(Joi.string(), Joi.string().allow(''));
export const stringList = Joi.array().items(Joi.string().allow(''));

/** An object with exactly these keys (joi rejects unknown keys by default). */
export function strictObject(keys: Joi.PartialSchemaMap): Joi.ObjectSchema {
  return Joi.object(keys);
}

export function oneOf(...values: string[]): Joi.StringSchema {
  return Joi.string().valid(...values);
}

export const protocol = oneOf('TCP', 'UDP', 'SCTP');

/** A resource quantity ("500m", "128Mi", 1), checked with the real parser. */
export const quantity = Joi.any().custom((value: unknown) => {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeMismatch('must be a quantity (a string like "500m" or a number)');
  }
  const problem = quantityProblem(value);
  if (problem) throw new Error(problem);
  return value;
}, 'quantity');

export const quantityMap = Joi.object().pattern(Joi.string(), quantity);

/** A port number or a port name; the range or name syntax is checked by the kind's rules. */
export const intOrString = Joi.any().custom((value: unknown) => {
  if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string') return value;
  throw new TypeMismatch('must be an integer or a string');
}, 'int-or-string');

/** A TCP/UDP port: an integer in 1-65535. */
export const portNumber = Joi.any().custom((value: unknown) => {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeMismatch('must be of type integer');
  if (value < 1 || value > 65535) throw new Error('must be between 1 and 65535, inclusive');
  return value;
}, 'port');

export const objectReference = strictObject({
  apiVersion: str,
  kind: str,
  namespace: str,
  name: str,
  uid: str,
  resourceVersion: str,
  fieldPath: str,
});

export const ownerReference = strictObject({
  apiVersion: requiredStr,
  kind: requiredStr,
  name: requiredStr,
  uid: requiredStr,
  controller: bool,
  blockOwnerDeletion: bool,
});

export const objectMeta = strictObject({
  name: str,
  generateName: str,
  namespace: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: timestamp,
  deletionTimestamp: timestamp,
  deletionGracePeriodSeconds: nonNegativeInt,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: Joi.array().items(ownerReference),
  finalizers: stringList,
  managedFields: Joi.array().items(Joi.object().unknown(true)),
  selfLink: str,
});

export const labelSelector = strictObject({
  matchLabels: stringMap,
  matchExpressions: Joi.array().items(
    strictObject({
      key: requiredStr,
      operator: oneOf('In', 'NotIn', 'Exists', 'DoesNotExist').required(),
      values: stringList,
    }),
  ),
});

export const condition = strictObject({
  type: requiredStr,
  status: oneOf('True', 'False', 'Unknown').required(),
  reason: str,
  message: str,
  lastTransitionTime: timestamp,
  lastUpdateTime: timestamp,
  lastProbeTime: timestamp,
  lastHeartbeatTime: timestamp,
  observedGeneration: int,
});

export const conditions = Joi.array().items(condition);

/**
 * The whole object: apiVersion and kind fixed to the definition's, metadata, and the kind's own
 * top-level fields (spec, status, data, ...).
 */
export function kindSchema(apiVersion: string, kind: string, fields: Joi.PartialSchemaMap): Joi.ObjectSchema {
  return strictObject({
    apiVersion: Joi.string().valid(apiVersion).required(),
    kind: Joi.string().valid(kind).required(),
    metadata: objectMeta.required(),
    ...fields,
  });
}
