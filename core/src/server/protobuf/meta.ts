// meta.k8s.io/v1 messages shared by every kind (k8s.io.apimachinery.pkg.apis.meta.v1).
import { KEEP, LIST, message } from './schema.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

export const OwnerReference = message(`${META}.OwnerReference`, {
  5: ['apiVersion', 'string', KEEP],
  1: ['kind', 'string', KEEP],
  3: ['name', 'string', KEEP],
  4: ['uid', 'string', KEEP],
  6: ['controller', 'bool', KEEP],
  7: ['blockOwnerDeletion', 'bool', KEEP],
});

// Which manager owns which fields (server-side apply's record). Time and fieldsV1 are pointers in Go:
// written only when set.
const ManagedFieldsEntry = message(`${META}.ManagedFieldsEntry`, {
  1: 'manager',
  2: 'operation',
  3: 'apiVersion',
  4: ['time', 'time'],
  6: 'fieldsType',
  7: ['fieldsV1', 'fieldsV1'],
  8: 'subresource',
});

export const ObjectMeta = message(`${META}.ObjectMeta`, {
  1: 'name',
  2: 'generateName',
  3: 'namespace',
  4: 'selfLink',
  5: 'uid',
  6: 'resourceVersion',
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time', KEEP],
  10: ['deletionGracePeriodSeconds', 'int', KEEP],
  11: ['labels', 'stringMap'],
  12: ['annotations', 'stringMap'],
  13: ['ownerReferences', OwnerReference, LIST],
  14: ['finalizers', 'string', LIST],
  17: ['managedFields', ManagedFieldsEntry, LIST],
});

/** An object's metadata alone: what a client asking for PartialObjectMetadata gets. */
export const PartialObjectMetadata = message(`${META}.PartialObjectMetadata`, { 1: ['metadata', ObjectMeta] });

export const LabelSelectorRequirement = message(`${META}.LabelSelectorRequirement`, {
  1: ['key', 'string', KEEP],
  2: ['operator', 'string', KEEP],
  3: ['values', 'string', LIST],
});

export const LabelSelector = message(`${META}.LabelSelector`, {
  1: ['matchLabels', 'stringMap'],
  2: ['matchExpressions', LabelSelectorRequirement, LIST],
});

export const Condition = message(`${META}.Condition`, {
  1: ['type', 'string', KEEP],
  2: ['status', 'string', KEEP],
  3: ['observedGeneration', 'int'],
  4: ['lastTransitionTime', 'time'],
  5: ['reason', 'string', KEEP],
  6: ['message', 'string', KEEP],
});

export const ListMeta = message(`${META}.ListMeta`, {
  1: 'selfLink',
  2: 'resourceVersion',
  3: 'continue',
  4: ['remainingItemCount', 'int', KEEP],
});

const Preconditions = message(`${META}.Preconditions`, {
  1: ['uid', 'string', KEEP],
  2: ['resourceVersion', 'string', KEEP],
});

export const DeleteOptions = message(`${META}.DeleteOptions`, {
  1: ['gracePeriodSeconds', 'int', KEEP],
  2: ['preconditions', Preconditions],
  3: ['orphanDependents', 'bool', KEEP],
  4: ['propagationPolicy', 'string', KEEP],
  5: ['dryRun', 'string', LIST],
});

const StatusCause = message(`${META}.StatusCause`, { 1: 'reason', 2: 'message', 3: 'field' });

const StatusDetails = message(`${META}.StatusDetails`, {
  1: 'name',
  2: 'group',
  3: 'kind',
  6: 'uid',
  4: ['causes', StatusCause, LIST],
  5: ['retryAfterSeconds', 'int'],
});

export const Status = message(`${META}.Status`, {
  1: ['metadata', ListMeta],
  2: 'status',
  3: 'message',
  4: 'reason',
  5: ['details', StatusDetails],
  6: ['code', 'int'],
});
