// REST paths, as Kubernetes lays them out:
//   /api/v1/namespaces/{ns}/pods/{name}/{subresource}    (core group)
//   /apis/apps/v1/namespaces/{ns}/deployments/{name}     (named groups)
//   /api/v1/nodes/{name}                                 (cluster-scoped)
//   /api/v1/pods                                         (a namespaced kind across all namespaces)
import type { ResourceRef } from './discovery.js';

/** A ResourceRef with its plural settled. */
export interface ResolvedRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  kind?: string;
}

export function normalizeRef(ref: ResourceRef): ResolvedRef {
  const plural = ref.plural ?? ref.name;
  if (!plural) throw new TypeError('a resource reference needs its plural (plural or name)');
  const out: ResolvedRef = { group: ref.group, version: ref.version, plural, namespaced: ref.namespaced };
  if (ref.kind) out.kind = ref.kind;
  return out;
}

export function groupVersionPath(ref: Pick<ResolvedRef, 'group' | 'version'>): string {
  return ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
}

export interface PathParts {
  /** Leave out (or '') for every namespace; ignored for cluster-scoped resources. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function resourcePath(ref: ResolvedRef, parts: PathParts = {}): string {
  let path = groupVersionPath(ref);
  if (ref.namespaced && parts.namespace) path += `/namespaces/${encodeURIComponent(parts.namespace)}`;
  path += `/${ref.plural}`;
  if (parts.name !== undefined) {
    if (parts.name === '') throw new TypeError(`a ${ref.plural} name must not be empty`);
    path += `/${encodeURIComponent(parts.name)}`;
    if (parts.subresource) path += `/${parts.subresource}`;
  }
  return path;
}
