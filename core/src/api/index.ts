// The object model: kinds, their definitions, defaulting and validation, selectors, errors.
export type * from './types.js';
export type { ResourceDefinition } from './resource.js';
export { apiVersionOf } from './resource.js';

export { builtinResources, createBuiltinResources } from './builtin.js';
export type { BuiltinOptions } from './builtin.js';
export { defineResource } from './define.js';
export type { ResourceSpec } from './define.js';
export { findResource, parseApiVersion, resourceFor } from './registry.js';
export type { ResourceQuery } from './registry.js';
export { prepareForCreate, prepareForUpdate, resolveDefinition, validateObject } from './prepare.js';
export type { PrepareOptions } from './prepare.js';
export { ManifestError, parseManifests } from './manifests.js';
export type { Manifest, ManifestProblem } from './manifests.js';

export { ApiError, codeForReason, isApiError, reasonForCode, StatusReasons, successStatus, toStatus } from './errors.js';
export type { GroupKind, GroupResource, StatusReason } from './errors.js';
export {
  CauseReasons,
  dedupeCauses,
  duplicateValue,
  FieldPath,
  forbiddenField,
  formatCause,
  formatValue,
  internalCause,
  invalidValue,
  notFoundValue,
  requiredValue,
  tooLongValue,
  tooManyItems,
  typeInvalidValue,
  unknownField,
  unsupportedValue,
} from './validation/field.js';
export type { CauseReason, PathLike } from './validation/field.js';

export {
  configMapKeyProblems,
  dns1035LabelProblems,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  envVarNameProblems,
  ianaSvcNameProblems,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedName,
  labelValueProblems,
  nameIsDns1035Label,
  nameIsDnsLabel,
  nameIsDnsSubdomain,
  pathSegmentProblems,
  qualifiedNameProblems,
} from './names.js';
export type { NameValidator } from './names.js';
export {
  compareQuantities,
  isQuantity,
  parseQuantity,
  QuantityError,
  quantityProblem,
  quantityToInt,
  quantityToMillis,
} from './quantity.js';

export {
  labelSelectorAsSelector,
  parseLabelSelector,
  Selector,
  SelectorParseError,
  selectorFromSet,
} from './selectors/Selector.js';
export type { LabelRequirement, SelectorOperator } from './selectors/Selector.js';
export {
  checkFieldSelector,
  COMMON_SELECTABLE_FIELDS,
  compileFieldSelector,
  escapeFieldValue,
  FieldSelector,
  parseFieldSelector,
  selectableFieldsOf,
  supportedFields,
} from './selectors/FieldSelector.js';
export type { FieldOperator, FieldRequirement } from './selectors/FieldSelector.js';

export {
  defaultPod,
  defaultPodSpec,
  defaultPodTemplate,
  defaultPullPolicy,
  qosClassOf,
} from './defaults/pod.js';
export {
  defaultConfigMap,
  defaultServiceAccount,
  defaultCronJob,
  defaultDeployment,
  defaultEndpoints,
  defaultEvent,
  defaultJob,
  defaultLease,
  defaultNamespace,
  defaultNode,
  defaultReplicaSet,
  defaultReplicationController,
  defaultSecret,
  defaultService,
  JOB_CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  NAMESPACE_NAME_LABEL,
} from './defaults/kinds.js';
export { CronSyntaxError, cronScheduleProblem, parseCronSchedule } from './validation/cron.js';
export type { CronInterval, CronSchedule } from './validation/cron.js';
export { DEFAULT_NODE_PORT_RANGE } from './validation/service.js';
export type { PortRange } from './validation/service.js';
export { deepEqual } from './objects.js';
export { toleratesTaint, tolerated } from './taints.js';
