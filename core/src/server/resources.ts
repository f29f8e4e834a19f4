// The kinds the server serves, each compiled once at start-up: its URL names, its store keys,
// the rules that differ between kinds (Kubernetes' per-resource "strategies").
import type { GroupResource } from '../api/errors.js';
import { apiVersionOf, type ResourceDefinition } from '../api/resource.js';
import type { ResourceRegistry } from '../kernel/registries/ResourceRegistry.js';
import { objectKey, prefixKey } from '../store/keys.js';

/** How a kind departs from the common create/update/delete rules. */
export interface ResourceRules {
  /** PUT on a missing object creates it (Kubernetes allows it for a few kinds). */
  readonly createOnUpdate: boolean;
  /** A create cannot set status: the server owns it (kinds with a status subresource but Node). */
  readonly resetStatusOnCreate: boolean;
  /** A DELETE answers with the deleted object rather than a Success Status. */
  readonly returnDeletedObject: boolean;
  /** Pods: deletion waits for the node's agent when the pod is bound to one. */
  readonly gracefulDeletion: boolean;
}

export interface ServedResource {
  readonly def: ResourceDefinition;
  readonly group: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** For error messages: `deployments.apps`. */
  readonly groupResource: GroupResource;
  readonly rules: ResourceRules;
  /** Subresources served for this kind, besides the object itself. */
  readonly subresources: ReadonlySet<string>;
  key(namespace: string | undefined, name: string): string;
  /** Every key of the kind, or of one namespace. */
  prefix(namespace?: string): string;
}

const CREATE_ON_UPDATE = new Set(['/Endpoints', '/Event', '/ReplicationController', 'coordination.k8s.io/Lease']);
const RETURN_DELETED = new Set(['/Pod', '/Service', '/Namespace', '/Node', '/Endpoints', '/ConfigMap', '/Secret', '/ServiceAccount', '/Event']);

/**
 * The store key segment: the plural for Kubernetes' own groups (as `/registry/pods/...`), the
 * plural qualified by the group for others, so two plugins' `widgets` never share keys.
 */
function storageName(def: ResourceDefinition): string {
  const builtin = def.group === '' || !def.group.includes('.') || def.group.endsWith('.k8s.io');
  return builtin ? def.plural : `${def.plural}.${def.group}`;
}

function subresourcesOf(def: ResourceDefinition): Set<string> {
  const names = new Set<string>();
  if (def.subresources.status) names.add('status');
  if (def.subresources.scale) names.add('scale');
  if (def.group === '' && def.kind === 'Pod') for (const s of ['binding', 'eviction', 'log', 'exec']) names.add(s);
  if (def.group === '' && def.kind === 'Namespace') names.add('finalize');
  return names;
}

export function serveResource(def: ResourceDefinition): ServedResource {
  const id = `${def.group}/${def.kind}`;
  const segment = storageName(def);
  return Object.freeze({
    def,
    group: def.group,
    version: def.version,
    apiVersion: apiVersionOf(def),
    kind: def.kind,
    plural: def.plural,
    namespaced: def.namespaced,
    groupResource: { group: def.group, resource: def.plural },
    rules: Object.freeze({
      createOnUpdate: CREATE_ON_UPDATE.has(id),
      resetStatusOnCreate: Boolean(def.subresources.status) && id !== '/Node',
      returnDeletedObject: RETURN_DELETED.has(id),
      gracefulDeletion: id === '/Pod',
    }),
    subresources: subresourcesOf(def),
    key: (namespace: string | undefined, name: string) => objectKey(segment, def.namespaced ? namespace : undefined, name),
    prefix: (namespace?: string) => prefixKey(segment, def.namespaced ? namespace : undefined),
  });
}

/** Every served kind, found by URL parts in one map lookup. */
export class ResourceIndex {
  private readonly byPath = new Map<string, ServedResource>();
  /** group -> versions, in registration order. */
  readonly groups = new Map<string, string[]>();
  readonly all: readonly ServedResource[];

  constructor(definitions: readonly ResourceDefinition[]) {
    const all: ServedResource[] = [];
    for (const def of definitions) {
      const served = serveResource(def);
      all.push(served);
      this.byPath.set(`${def.group}/${def.version}/${def.plural}`, served);
      const versions = this.groups.get(def.group) ?? [];
      if (!versions.includes(def.version)) versions.push(def.version);
      this.groups.set(def.group, versions);
    }
    this.all = all;
  }

  static fromRegistry(registry: ResourceRegistry): ResourceIndex {
    return new ResourceIndex(registry.list());
  }

  lookup(group: string, version: string, plural: string): ServedResource | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.includes(version) ?? false;
  }

  inGroupVersion(group: string, version: string): ServedResource[] {
    return this.all.filter((r) => r.group === group && r.version === version);
  }

  find(group: string, kind: string): ServedResource | undefined {
    return this.all.find((r) => r.group === group && r.kind === kind);
  }
}
