// Everything the documents are made of, built once from the resource definitions: every
// definition (kinds, list kinds, nested types, shared meta types) and every path, with which
// group-version each belongs to.
import type { ResourceDefinition } from '../../api/index.js';
import { metaDefinitions } from './meta.js';
import { resourcePaths, type PathEntry } from './operations.js';
import { addKind, DefinitionSet, SchemaWalker } from './schemas.js';
import { refTarget, type GroupVersion, type JsonSchema } from './types.js';

export interface Catalog {
  /** Definition name -> schema (with v2 references), sorted by name. */
  readonly definitions: ReadonlyMap<string, JsonSchema>;
  /** Each served group-version, in the order the definitions first name it. */
  readonly groupVersions: readonly GroupVersion[];
  /** The paths of each group-version, keyed `<group>/<version>` ('' group for core). */
  readonly paths: ReadonlyMap<string, readonly PathEntry[]>;
}

export const gvKey = (group: string, version: string): string => `${group}/${version}`;

export function buildCatalog(defs: readonly ResourceDefinition[]): Catalog {
  const set = new DefinitionSet();
  const walker = new SchemaWalker(set);
  const groupVersions: GroupVersion[] = [];
  const paths = new Map<string, PathEntry[]>();
  for (const def of defs) {
    const key = gvKey(def.group, def.version);
    if (!paths.has(key)) {
      paths.set(key, []);
      groupVersions.push({ group: def.group, version: def.version });
    }
    const refs = addKind(walker, set, def);
    paths.get(key)!.push(...resourcePaths(def, refs));
  }
  const withScale = defs.some((d) => d.subresources.scale);
  for (const [name, schema] of Object.entries(metaDefinitions(groupVersions, withScale))) {
    if (set.add(name, schema) !== name) throw new Error(`a kind's type is named ${name}, which the API's own types use`);
  }
  const sorted = new Map([...set.definitions.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { definitions: sorted, groupVersions, paths };
}

/** Every definition name reachable from `roots` through references. */
export function reachable(definitions: ReadonlyMap<string, JsonSchema>, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const pending = [...roots];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const target = refTarget(node);
    if (target !== undefined && !seen.has(target)) pending.push(target);
    for (const value of Object.values(node)) visit(value);
  };
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    const schema = definitions.get(name);
    if (!schema) throw new Error(`OpenAPI definition ${name} is referenced but not defined`);
    seen.add(name);
    visit(schema);
  }
  return seen;
}
