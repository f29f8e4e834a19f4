// Query parameters of the API: list and watch options, write options, delete options, each
// checked as Kubernetes checks them (a bad one is a 400 or a 422 naming the parameter).
import { ApiError } from '../api/errors.js';
import { isRecord } from '../api/objects.js';
import { compileFieldSelector } from '../api/selectors/FieldSelector.js';
import { parseLabelSelector, type Selector } from '../api/selectors/Selector.js';
import type { StatusCause } from '../api/types.js';
import type { ServedResource } from './resources.js';
import type { ServerContext } from './types.js';

export type Query = ServerContext['query'];

export function param(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function boolParam(query: Query, name: string): boolean | undefined {
  const value = param(query, name);
  if (value === undefined || value === '') return undefined;
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw ApiError.badRequest(`query parameter "${name}" must be true or false, not ${JSON.stringify(value)}`);
}

function intParam(query: Query, name: string): number | undefined {
  const value = param(query, name);
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw ApiError.badRequest(`query parameter "${name}" must be an integer, not ${JSON.stringify(value)}`);
  return Number(value);
}

function invalidOptions(kind: string, causes: StatusCause[]): ApiError {
  return ApiError.invalid({ group: 'meta.k8s.io', kind }, '', causes);
}

// ---------------------------------------------------------------- selectors

const labelSelectors = new Map<string, Selector>();
const fieldSelectors = new WeakMap<ServedResource, Map<string, (obj: unknown) => boolean>>();

function cached<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    if (map.size > 500) map.clear();
    map.set(key, value);
  }
  return value;
}

/** The objects a request's selectors keep; undefined when it has none. */
export type ObjectFilter = (obj: { metadata?: { labels?: Record<string, string> } }) => boolean;

export function selectorFilter(resource: ServedResource, query: Query, name?: string): ObjectFilter | undefined {
  const labelText = param(query, 'labelSelector') ?? '';
  const fieldText = param(query, 'fieldSelector') ?? '';
  const labels = labelText.trim() ? cached(labelSelectors, labelText, () => parseLabelSelector(labelText)) : undefined;
  let perKind = fieldSelectors.get(resource);
  if (!perKind) fieldSelectors.set(resource, (perKind = new Map()));
  const fields = fieldText.trim() ? cached(perKind, fieldText, () => compileFieldSelector(resource.def, fieldText)) : undefined;
  const filters: ObjectFilter[] = [];
  if (labels && !labels.isEverything()) filters.push((obj) => labels.matches(obj.metadata?.labels));
  if (fields) filters.push(fields);
  if (name !== undefined) filters.push((obj) => (obj.metadata as { name?: string } | undefined)?.name === name);
  if (filters.length === 0) return undefined;
  if (filters.length === 1) return filters[0];
  return (obj) => filters.every((f) => f(obj));
}

// ---------------------------------------------------------------- list and watch

export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

export interface ListQuery {
  readonly limit: number;
  readonly continue?: string;
  /** As sent: undefined (most recent), '0' (any), or a revision. */
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: ResourceVersionMatch;
  readonly filter?: ObjectFilter;
}

export interface WatchQuery {
  readonly resourceVersion?: string;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds?: number;
  readonly sendInitialEvents?: boolean;
  readonly filter?: ObjectFilter;
}

/** A resourceVersion as a revision number; 400 for anything else. */
export function parseResourceVersion(value: string, what = 'resourceVersion'): number {
  if (!/^\d+$/.test(value)) throw ApiError.badRequest(`invalid ${what}: ${JSON.stringify(value)} is not a resource version`);
  return Number(value);
}

function resourceVersionMatch(query: Query): ResourceVersionMatch | undefined {
  const match = param(query, 'resourceVersionMatch');
  if (match === undefined || match === '') return undefined;
  if (match !== 'NotOlderThan' && match !== 'Exact') {
    throw invalidOptions('ListOptions', [{ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"` }]);
  }
  return match;
}

export function listQuery(resource: ServedResource, query: Query, name?: string): ListQuery {
  const limit = intParam(query, 'limit') ?? 0;
  if (limit < 0) throw invalidOptions('ListOptions', [{ reason: 'FieldValueInvalid', field: 'limit', message: 'must be greater than or equal to 0' }]);
  const cont = param(query, 'continue') || undefined;
  const resourceVersion = param(query, 'resourceVersion') || undefined;
  const match = resourceVersionMatch(query);
  if (match && resourceVersion === undefined) {
    throw invalidOptions('ListOptions', [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'resourceVersionMatch is forbidden unless resourceVersion is provided' }]);
  }
  if (match === 'Exact' && resourceVersion === '0') {
    throw invalidOptions('ListOptions', [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"' }]);
  }
  if (cont && resourceVersion !== undefined && resourceVersion !== '0') {
    throw ApiError.badRequest('specifying resource version is not allowed when using continue');
  }
  if (resourceVersion !== undefined) parseResourceVersion(resourceVersion);
  return { limit, continue: cont, resourceVersion, resourceVersionMatch: match, filter: selectorFilter(resource, query, name) };
}

export function watchQuery(resource: ServedResource, query: Query, name?: string): WatchQuery {
  const resourceVersion = param(query, 'resourceVersion') || undefined;
  if (resourceVersion !== undefined) parseResourceVersion(resourceVersion);
  const timeoutSeconds = intParam(query, 'timeoutSeconds');
  const sendInitialEvents = boolParam(query, 'sendInitialEvents');
  const allowBookmarks = boolParam(query, 'allowWatchBookmarks') ?? false;
  const match = resourceVersionMatch(query);
  if (sendInitialEvents !== undefined) {
    const causes: StatusCause[] = [];
    if (match !== 'NotOlderThan') causes.push({ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' });
    if (sendInitialEvents && !allowBookmarks) causes.push({ reason: 'FieldValueForbidden', field: 'allowWatchBookmarks', message: 'sendInitialEvents requires allowWatchBookmarks=true' });
    if (causes.length > 0) throw invalidOptions('ListOptions', causes);
  } else if (match !== undefined) {
    throw invalidOptions('ListOptions', [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' }]);
  }
  return {
    resourceVersion,
    allowBookmarks,
    timeoutSeconds: timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds : undefined,
    sendInitialEvents,
    filter: selectorFilter(resource, query, name),
  };
}

// ---------------------------------------------------------------- writes

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteQuery {
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
}

function dryRunOf(values: unknown): boolean {
  const list = Array.isArray(values) ? values : values === undefined || values === '' ? [] : [values];
  for (const value of list) {
    if (value !== 'All') {
      throw ApiError.badRequest(`unsupported dryRun value ${JSON.stringify(value)}: the only supported value is "All"`);
    }
  }
  return list.length > 0;
}

export function writeQuery(query: Query): WriteQuery {
  const validation = param(query, 'fieldValidation') || 'Strict';
  if (validation !== 'Strict' && validation !== 'Warn' && validation !== 'Ignore') {
    throw ApiError.badRequest(`invalid fieldValidation ${JSON.stringify(validation)}: use Strict, Warn or Ignore`);
  }
  return { dryRun: dryRunOf(query.dryRun), fieldValidation: validation };
}

// ---------------------------------------------------------------- delete

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

const POLICIES = new Set(['Orphan', 'Background', 'Foreground']);

/** DeleteOptions from the query and the body (the body wins), checked. */
export function deleteOptions(query: Query, body: unknown): DeleteOptions {
  const fromBody = isRecord(body) ? body : {};
  if (body !== undefined && !isRecord(body)) throw ApiError.badRequest('the DELETE body must be a DeleteOptions object');
  if (fromBody.kind !== undefined && fromBody.kind !== 'DeleteOptions') {
    throw ApiError.badRequest(`the DELETE body must be a DeleteOptions, not ${JSON.stringify(fromBody.kind)}`);
  }
  const causes: StatusCause[] = [];
  const grace = fromBody.gracePeriodSeconds ?? intParam(query, 'gracePeriodSeconds');
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) {
    causes.push({ reason: 'FieldValueInvalid', field: 'gracePeriodSeconds', message: 'must be an integer' });
  }
  const policy = fromBody.propagationPolicy ?? param(query, 'propagationPolicy');
  if (policy !== undefined && !POLICIES.has(policy as string)) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Background", "Foreground", "Orphan"` });
  }
  const orphan = fromBody.orphanDependents ?? boolParam(query, 'orphanDependents');
  if (orphan !== undefined && policy !== undefined) {
    causes.push({ reason: 'FieldValueInvalid', field: 'orphanDependents', message: 'orphanDependents and propagationPolicy cannot both be set' });
  }
  const pre = fromBody.preconditions;
  if (pre !== undefined && !isRecord(pre)) causes.push({ reason: 'FieldValueInvalid', field: 'preconditions', message: 'must be an object' });
  if (causes.length > 0) throw invalidOptions('DeleteOptions', causes);
  const options: DeleteOptions = { dryRun: dryRunOf(fromBody.dryRun ?? query.dryRun) };
  // Kubernetes reads a negative grace period as the shortest one that is still graceful.
  if (typeof grace === 'number') options.gracePeriodSeconds = grace < 0 ? 1 : grace;
  if (policy !== undefined) options.propagationPolicy = policy as PropagationPolicy;
  else if (orphan !== undefined) options.propagationPolicy = orphan ? 'Orphan' : 'Background';
  if (isRecord(pre)) {
    options.preconditions = {};
    if (typeof pre.uid === 'string') options.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') options.preconditions.resourceVersion = pre.resourceVersion;
  }
  return options;
}
