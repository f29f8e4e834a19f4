// Resolving a resource URL to what it addresses, as Kubernetes' RequestInfo does:
//   /api/v1/namespaces/{ns}/{plural}[/{name}[/{subresource}]]
//   /api/v1/{plural}[/{name}[/{subresource}]]           (cluster-scoped, or every namespace)
//   /api/v1/watch/...                                    (the legacy watch paths)
// with /apis/{group}/{version} in place of /api/v1 for named groups.
import { ApiError } from '../api/errors.js';
import type { ResourceIndex, ServedResource } from './resources.js';

/** The subresources of a namespace itself, which `/namespaces/{name}/{x}` means rather than a kind. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export interface Target {
  readonly resource: ServedResource;
  /** For namespaced kinds: the namespace of the URL; undefined = every namespace. */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** Reached through `/watch/`: a watch whatever the query says. */
  readonly legacyWatch: boolean;
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw ApiError.badRequest(`the URL segment "${segment}" is not valid percent-encoding`);
  }
}

/**
 * Why a name (or namespace) from the URL can be no object's, as Kubernetes' path segment rule
 * says: it must not be "." or "..", nor hold "/" or "%" (nor NUL, which no store key may hold).
 * Checked here, before the name is made into a store key.
 */
function badPathSegment(value: string): string | undefined {
  if (value === '.' || value === '..') return `may not be '${value}'`;
  if (value.includes('/')) return "may not contain '/'";
  if (value.includes('%')) return "may not contain '%'";
  if (value.includes('\u0000')) return 'may not contain NUL characters';
  return undefined;
}

function checkPathSegment(field: 'metadata.name' | 'metadata.namespace', value: string | undefined): void {
  if (value === undefined) return;
  const why = badPathSegment(value);
  if (!why) return;
  const message = `${field}: Invalid value: ${JSON.stringify(value)}: ${why}`;
  throw ApiError.badRequest(`${message} (it is a segment of the object's URL path)`, [{ reason: 'FieldValueInvalid', field, message }]);
}

function notFound(path: string): ApiError {
  return ApiError.of('NotFound', `the server could not find the requested resource (${path})`, { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] });
}

/**
 * The target of `segments` (the path after the group-version prefix, split on '/'), or a 404
 * naming what is not served.
 */
export function resolveTarget(index: ResourceIndex, group: string, version: string, segments: string[], path: string): Target {
  let parts = segments.filter((s) => s !== '').map(decode);
  let legacyWatch = false;
  if (parts[0] === 'watch') {
    legacyWatch = true;
    parts = parts.slice(1);
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  const [plural, name, subresource, ...rest] = parts;
  if (!plural) throw notFound(path);
  const resource = index.lookup(group, version, plural);
  if (!resource) {
    const gv = group ? `${group}/${version}` : version;
    throw ApiError.of('NotFound', `the server does not serve the resource "${plural}" in ${gv} (${path})`, {
      group,
      kind: plural,
      causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }],
    });
  }
  if (rest.length > 0) throw notFound(path);
  if (namespace !== undefined && !resource.namespaced) throw notFound(path);
  // A namespaced object is only addressed inside its namespace: /api/v1/pods/x is not a pod.
  if (namespace === undefined && resource.namespaced && name !== undefined) throw notFound(path);
  if (subresource !== undefined && !resource.subresources.has(subresource)) {
    throw ApiError.of('NotFound', `${resource.plural} has no subresource "${subresource}" (${path})`, { group, kind: resource.plural });
  }
  if (legacyWatch && subresource !== undefined) throw notFound(path);
  checkPathSegment('metadata.namespace', namespace);
  checkPathSegment('metadata.name', name);
  return { resource, namespace, name, subresource, legacyWatch };
}
