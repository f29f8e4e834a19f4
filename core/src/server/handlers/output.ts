// Objects and lists in the negotiated form: as they are, as a server-side Table (kubectl get's
// default), or as metadata only.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import { send, type Output } from '../negotiate.js';
import { param, type Query } from '../query.js';
import type { ServedResource } from '../resources.js';
import type { ListedObjects } from '../storage/list.js';
import { toTable, type IncludeObjectPolicy } from '../table/index.js';
import type { ServerContext } from '../types.js';

export function includeObjectOf(query: Query): IncludeObjectPolicy {
  const value = param(query, 'includeObject') || 'Metadata';
  if (value !== 'None' && value !== 'Metadata' && value !== 'Object') {
    throw ApiError.badRequest(`includeObject must be None, Metadata or Object, not ${JSON.stringify(value)}`);
  }
  return value;
}

function partial(obj: ApiObject, version: string): unknown {
  return { apiVersion: `meta.k8s.io/${version}`, kind: 'PartialObjectMetadata', metadata: obj.metadata };
}

export function sendObject(ctx: ServerContext, res: ServedResource, obj: ApiObject, output: Output, status = 200): void {
  if (output.as === 'Table') {
    const table = toTable(res.kind, [obj], { includeObject: includeObjectOf(ctx.query), listMeta: { resourceVersion: obj.metadata.resourceVersion } });
    table.apiVersion = `meta.k8s.io/${output.version}` as 'meta.k8s.io/v1';
    send(ctx, status, table);
  } else if (output.as === 'PartialObjectMetadata') {
    send(ctx, status, partial(obj, output.version), output);
  } else {
    send(ctx, status, obj, output);
  }
}

function listMeta(listed: ListedObjects): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: listed.resourceVersion };
  if (listed.continue) meta.continue = listed.continue;
  if (listed.remainingItemCount !== undefined) meta.remainingItemCount = listed.remainingItemCount;
  return meta;
}

export function sendList(ctx: ServerContext, res: ServedResource, listed: ListedObjects, output: Output): void {
  if (output.as === 'Table') {
    const table = toTable(res.kind, listed.items, { includeObject: includeObjectOf(ctx.query), listMeta: listMeta(listed) });
    table.apiVersion = `meta.k8s.io/${output.version}` as 'meta.k8s.io/v1';
    send(ctx, 200, table);
    return;
  }
  if (output.as === 'PartialObjectMetadata') {
    send(ctx, 200, {
      apiVersion: `meta.k8s.io/${output.version}`,
      kind: 'PartialObjectMetadataList',
      metadata: listMeta(listed),
      items: listed.items.map((o) => partial(o, output.version)),
    }, output);
    return;
  }
  send(ctx, 200, { apiVersion: res.apiVersion, kind: res.def.listKind, metadata: listMeta(listed), items: listed.items }, output);
}
