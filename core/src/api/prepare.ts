// The one way an object enters the API: match it to its definition, fill in what the request
// implies (apiVersion, kind, namespace), default it, validate it, and either return the result
// or throw one ApiError listing every problem.
import { ApiError } from './errors.js';
import { copyWithoutNulls, isRecord, nonEmptyString } from './objects.js';
import { resourceFor } from './registry.js';
import { apiVersionOf, type ResourceDefinition } from './resource.js';
import type { ApiObject } from './types.js';

export interface PrepareOptions {
  /**
   * The namespace the request addresses (from its URL). A namespaced object without one gets it;
   * one with a different namespace is refused. Defaults to 'default'.
   */
  namespace?: string;
}

function asObject(obj: unknown): Record<string, unknown> {
  if (!isRecord(obj)) {
    const found = Array.isArray(obj) ? 'an array' : typeof obj;
    throw ApiError.badRequest(`the body must be an object with apiVersion, kind and metadata, not ${found}`);
  }
  return copyWithoutNulls(obj);
}

/** Fills apiVersion and kind from `def`, refusing an object that names another kind. */
function withTypeMeta(def: ResourceDefinition, obj: Record<string, unknown>): void {
  const apiVersion = apiVersionOf(def);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw ApiError.badRequest(`the object's apiVersion ${JSON.stringify(obj.apiVersion)} does not match the resource's (${apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw ApiError.badRequest(`the object's kind ${JSON.stringify(obj.kind)} does not match the resource's (${def.kind})`);
  }
  obj.apiVersion = apiVersion;
  obj.kind = def.kind;
}

function metadataOf(obj: Record<string, unknown>): Record<string, unknown> {
  if (obj.metadata === undefined) obj.metadata = {};
  return isRecord(obj.metadata) ? obj.metadata : {};
}

function withNamespace(def: ResourceDefinition, obj: Record<string, unknown>, namespace: string | undefined): void {
  if (!def.namespaced) return;
  const meta = metadataOf(obj);
  if (nonEmptyString(meta.namespace) && namespace !== undefined && meta.namespace !== namespace) {
    throw ApiError.badRequest(
      `the object's namespace "${meta.namespace}" does not match the namespace of the request ("${namespace}")`,
    );
  }
  if (meta.namespace === undefined || meta.namespace === '') meta.namespace = namespace ?? 'default';
}

function displayName(obj: Record<string, unknown>): string {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  if (nonEmptyString(meta.name)) return meta.name;
  return nonEmptyString(meta.generateName) ? meta.generateName : '';
}

/**
 * `owned`: `obj` is prepare's own copy, without nulls, so the defaults can go straight into it
 * (a kind's prepareForUpdate may hand back parts of the stored object: those are not).
 */
function defaultAndValidate<T extends ApiObject>(
  def: ResourceDefinition,
  obj: Record<string, unknown>,
  owned: boolean,
  old?: ApiObject,
): T {
  let defaulted = obj as ApiObject;
  if (owned && def.fillDefaults) def.fillDefaults(obj);
  else defaulted = def.applyDefaults(obj as ApiObject);
  const causes = def.validate(defaulted, old);
  if (causes.length > 0) throw ApiError.invalid({ group: def.group, kind: def.kind }, displayName(obj), causes);
  return defaulted as T;
}

/** A new object for `def`: defaulted and valid, or an ApiError (400 or 422 with every cause). */
export function prepareForCreate<T extends ApiObject = ApiObject>(
  def: ResourceDefinition,
  obj: unknown,
  options: PrepareOptions = {},
): T {
  const copy = asObject(obj);
  withTypeMeta(def, copy);
  withNamespace(def, copy, options.namespace);
  return defaultAndValidate<T>(def, copy, true);
}

/**
 * A replacement for the stored `old`: what the update may leave out (namespace, uid,
 * creationTimestamp, allocated values) is carried over, then it is defaulted and validated,
 * immutable fields included.
 */
export function prepareForUpdate<T extends ApiObject = ApiObject>(
  def: ResourceDefinition,
  obj: unknown,
  old: ApiObject,
  options: PrepareOptions = {},
): T {
  let copy = asObject(obj);
  withTypeMeta(def, copy);
  withNamespace(def, copy, options.namespace ?? old.metadata.namespace);
  const meta = metadataOf(copy);
  for (const field of ['uid', 'creationTimestamp'] as const) {
    if (meta[field] === undefined && old.metadata[field] !== undefined) meta[field] = old.metadata[field];
  }
  if (!def.prepareForUpdate) return defaultAndValidate<T>(def, copy, true, old);
  copy = def.prepareForUpdate(copy as ApiObject, old) as Record<string, unknown>;
  return defaultAndValidate<T>(def, copy, false, old);
}

/** The definition for `obj`'s apiVersion and kind; a BadRequest when either is missing or unknown. */
export function resolveDefinition(registry: readonly ResourceDefinition[], obj: unknown): ResourceDefinition {
  if (!isRecord(obj)) throw ApiError.badRequest('the object must be a map with apiVersion and kind');
  const { apiVersion, kind } = obj;
  if (!nonEmptyString(apiVersion)) throw ApiError.badRequest("the object has no 'apiVersion'");
  if (!nonEmptyString(kind)) throw ApiError.badRequest("the object has no 'kind'");
  const def = resourceFor(registry, apiVersion, kind);
  if (!def) {
    const known = registry.map((d) => `${apiVersionOf(d)}/${d.kind}`).join(', ');
    throw ApiError.badRequest(`no kind "${kind}" is registered for version "${apiVersion}"; known kinds: ${known}`);
  }
  return def;
}

/**
 * Defaults and validates `obj` against its definition (found in `registry` by apiVersion and
 * kind, or given). With `old`, as an update. Returns the defaulted object or throws an ApiError.
 */
export function validateObject<T extends ApiObject = ApiObject>(
  registry: readonly ResourceDefinition[] | ResourceDefinition,
  obj: unknown,
  old?: ApiObject,
): T {
  const def = Array.isArray(registry) ? resolveDefinition(registry, obj) : (registry as ResourceDefinition);
  return old ? prepareForUpdate<T>(def, obj, old) : prepareForCreate<T>(def, obj);
}
