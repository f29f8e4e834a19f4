// The Swagger 2.0 document of /openapi/v2: every definition and every path.
import type { Catalog } from './catalog.js';
import type { Operation, Parameter, PathEntry } from './operations.js';
import { GVK_EXTENSION, ref, type JsonSchema } from './types.js';

function parameterV2(param: Parameter): JsonSchema {
  return {
    name: param.name,
    in: param.in,
    description: param.description,
    type: param.type,
    uniqueItems: true,
    ...(param.in === 'path' ? { required: true } : {}),
  };
}

function operationV2(op: Operation): JsonSchema {
  const parameters = op.parameters.map(parameterV2);
  if (op.body) parameters.unshift({ name: 'body', in: 'body', required: op.body.required, schema: ref(op.body.schema) });
  const responses: JsonSchema = {};
  for (const r of op.responses) responses[r.code] = { description: r.description, schema: ref(r.schema) };
  responses['401'] = { description: 'Unauthorized' };
  return {
    description: op.description,
    ...(op.body ? { consumes: [...op.body.contentTypes] } : { consumes: ['*/*'] }),
    produces: [...op.produces],
    tags: [op.tag],
    operationId: op.operationId,
    parameters,
    responses,
    'x-kubernetes-action': op.action,
    [GVK_EXTENSION]: { ...op.gvk },
  };
}

export function pathItemV2(entry: PathEntry): JsonSchema {
  const item: JsonSchema = {};
  for (const op of entry.operations) item[op.method] = operationV2(op);
  item.parameters = entry.parameters.map(parameterV2);
  return item;
}

export function swaggerDocument(catalog: Catalog): JsonSchema {
  const paths: JsonSchema = {};
  for (const entries of catalog.paths.values()) for (const entry of entries) paths[entry.path] = pathItemV2(entry);
  return {
    swagger: '2.0',
    info: { title: 'Corral', version: 'unversioned' },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    definitions: Object.fromEntries(catalog.definitions),
  };
}
