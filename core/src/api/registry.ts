// Finding a ResourceDefinition: by an object's apiVersion and kind, or by what a user types on
// the command line (`po`, `pods`, `pod`, `Pod`, `deployments.apps`).
import type { ResourceDefinition } from './resource.js';

export interface ResourceQuery {
  /** '' is the core group; leave out to search every group. */
  group?: string;
  version?: string;
  kind?: string;
  plural?: string;
  shortName?: string;
  /**
   * Any name a user may type: plural, singular, short name or kind, case-insensitive, optionally
   * qualified by group (`deployments.apps`).
   */
  resource?: string;
}

/** `apps/v1` -> {group: 'apps', version: 'v1'}; `v1` -> {group: '', version: 'v1'}. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function matchesName(def: ResourceDefinition, name: string): boolean {
  const lower = name.toLowerCase();
  return (
    def.plural === lower ||
    def.singular === lower ||
    def.kind.toLowerCase() === lower ||
    def.shortNames.includes(lower)
  );
}

function matchesResource(def: ResourceDefinition, resource: string): boolean {
  if (matchesName(def, resource)) return true;
  // `deployments.apps`, `deploy.apps`: the group follows the first dot.
  const dot = resource.indexOf('.');
  return dot > 0 && def.group === resource.slice(dot + 1).toLowerCase() && matchesName(def, resource.slice(0, dot));
}

/** The first definition that fits every given part of `query`, in registry order. */
export function findResource(registry: readonly ResourceDefinition[], query: ResourceQuery): ResourceDefinition | undefined {
  return registry.find(
    (def) =>
      (query.group === undefined || def.group === query.group) &&
      (query.version === undefined || def.version === query.version) &&
      (query.kind === undefined || def.kind === query.kind) &&
      (query.plural === undefined || def.plural === query.plural) &&
      (query.shortName === undefined || def.shortNames.includes(query.shortName)) &&
      (query.resource === undefined || matchesResource(def, query.resource)),
  );
}

/** The definition for an object's `apiVersion` and `kind`, if the registry has one. */
export function resourceFor(registry: readonly ResourceDefinition[], apiVersion: string, kind: string): ResourceDefinition | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return findResource(registry, { group, version, kind });
}
