// PATCH for the API server: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and Kubernetes'
// strategic merge patch, plus the three-way patch `apply` computes.
export {
  applyPatch,
  patchContentType,
  JSON_PATCH_CONTENT_TYPE,
  MERGE_PATCH_CONTENT_TYPE,
  STRATEGIC_MERGE_PATCH_CONTENT_TYPE,
  PATCH_CONTENT_TYPES,
} from './apply.js';
export type { PatchContentType } from './apply.js';
export { PatchError, UnsupportedPatchTypeError } from './errors.js';
export type { PatchErrorDetails, PatchErrorStatus } from './errors.js';
export { applyJsonPatch } from './json-patch.js';
export type { JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic.js';
export { threeWayMergePatch, twoWayMergePatch } from './three-way.js';
export { patchSchemaFor, supportsStrategicMerge, mergeKeysFor } from './schema.js';
export type { FieldPatchMeta, PatchSchema } from './schema.js';
export type { JsonValue, JsonObject, JsonPrimitive } from './json.js';
