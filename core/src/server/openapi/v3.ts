// OpenAPI 3.0 documents, one per group-version (/openapi/v3/api/v1, /openapi/v3/apis/apps/v1),
// each complete on its own: its paths and every schema they reach, shared meta types included.
import { reachable, type Catalog, gvKey } from './catalog.js';
import { SCALARS_V3 } from './meta.js';
import type { Operation, Parameter, PathEntry } from './operations.js';
import { GVK_EXTENSION, V3_REF_PREFIX, refTarget, type JsonSchema } from './types.js';

const ref3 = (name: string): JsonSchema => ({ $ref: V3_REF_PREFIX + name });

/**
 * A v2 schema in v3 form. OpenAPI 3.0 ignores whatever sits beside a `$ref`, so a reference that
 * carries a description or patch metadata is wrapped in `allOf`, as Kubernetes does.
 */
export function toV3Schema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toV3Schema);
  if (typeof node !== 'object' || node === null) return node;
  const target = refTarget(node);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') continue;
    out[key] = key.startsWith('x-') || key === 'enum' || key === 'default' ? value : toV3Schema(value);
  }
  if (target === undefined) return out;
  return Object.keys(out).length === 0 ? ref3(target) : { allOf: [ref3(target)], ...out };
}

function parameterV3(param: Parameter): JsonSchema {
  return {
    name: param.name,
    in: param.in,
    description: param.description,
    ...(param.in === 'path' ? { required: true } : {}),
    schema: { type: param.type, uniqueItems: true },
  };
}

function operationV3(op: Operation): JsonSchema {
  const responses: JsonSchema = {};
  for (const r of op.responses) {
    responses[r.code] = {
      description: r.description,
      content: Object.fromEntries(op.produces.map((type) => [type, { schema: ref3(r.schema) }])),
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  return {
    description: op.description,
    operationId: op.operationId,
    tags: [op.tag],
    parameters: op.parameters.map(parameterV3),
    ...(op.body
      ? {
          requestBody: {
            content: Object.fromEntries(op.body.contentTypes.map((type) => [type, { schema: ref3(op.body!.schema) }])),
            required: op.body.required,
          },
        }
      : {}),
    responses,
    'x-kubernetes-action': op.action,
    [GVK_EXTENSION]: { ...op.gvk },
  };
}

function pathItemV3(entry: PathEntry): JsonSchema {
  const item: JsonSchema = {};
  for (const op of entry.operations) item[op.method] = operationV3(op);
  item.parameters = entry.parameters.map(parameterV3);
  return item;
}

/** The definition names a group-version's paths refer to, directly or through other schemas. */
function schemaRoots(entries: readonly PathEntry[]): Set<string> {
  const roots = new Set<string>();
  for (const entry of entries) {
    for (const op of entry.operations) {
      if (op.body) roots.add(op.body.schema);
      for (const r of op.responses) roots.add(r.schema);
    }
  }
  return roots;
}

/** The document of one served group-version, or undefined when none is served by that name. */
export function groupVersionDocument(catalog: Catalog, group: string, version: string): JsonSchema | undefined {
  const entries = catalog.paths.get(gvKey(group, version));
  if (!entries) return undefined;
  const names = [...reachable(catalog.definitions, schemaRoots(entries))].sort();
  const schemas: JsonSchema = {};
  for (const name of names) schemas[name] = SCALARS_V3[name] ?? toV3Schema(catalog.definitions.get(name));
  const paths: JsonSchema = {};
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) paths[entry.path] = pathItemV3(entry);
  return {
    openapi: '3.0.0',
    info: { title: 'Corral', version: 'unversioned' },
    paths,
    components: { schemas },
  };
}

/** `api/v1`, `apis/apps/v1`: how the /openapi/v3 index names a group-version. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}
