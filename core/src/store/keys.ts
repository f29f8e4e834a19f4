// Storage keys as Kubernetes lays them out: /registry/<resource>/<namespace>/<name>, and
// /registry/<resource>/<name> for cluster-scoped resources.

export const REGISTRY_ROOT = '/registry/';

function segment(what: string, value: string): string {
  if (value === '' || value.includes('/')) {
    throw new TypeError(`${what} must be a non-empty string without "/", got ${JSON.stringify(value)}`);
  }
  return value;
}

export function objectKey(resource: string, namespace: string | undefined, name: string): string {
  const ns = namespace === undefined || namespace === '' ? '' : `${segment('namespace', namespace)}/`;
  return `${REGISTRY_ROOT}${segment('resource', resource)}/${ns}${segment('name', name)}`;
}

/**
 * The prefix of every key of `resource` (in `namespace`, if given). It ends in "/", so the
 * namespace "a" does not match the namespace "ab".
 */
export function prefixKey(resource: string, namespace?: string): string {
  const ns = namespace === undefined || namespace === '' ? '' : `${segment('namespace', namespace)}/`;
  return `${REGISTRY_ROOT}${segment('resource', resource)}/${ns}`;
}
