// The REST API of every served kind: resolve the URL, pick the handler for the method (and
// subresource), then run it. Unknown paths are 404, known paths with a wrong method 405.
import type Router from '@koa/router';
import { ApiError } from '../../api/errors.js';
import type { Handler, ServerCore } from '../core.js';
import { deleteCollectionHandler, deleteHandler } from '../handlers/delete.js';
import { collectionGetHandler, getHandler, watchHandler } from '../handlers/read.js';
import { createHandler, objectPatchHandler, patchHandler, putHandler, requireNamespace, updateHandler } from '../handlers/write.js';
import { boolParam } from '../query.js';
import { execHandler, logHandler } from '../subresources/agent.js';
import { finalizeHandler } from '../subresources/finalize.js';
import { bindingHandler, evictionHandler } from '../subresources/pods.js';
import { getScaleHandler, patchScaleHandler, updateScaleHandler } from '../subresources/scale.js';
import { replaceStatus } from '../storage/replace.js';
import { resolveTarget, type Target } from '../target.js';
import type { RequestInfo, ServerContext, ServerState } from '../types.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Route {
  readonly verb: string;
  readonly handler: Handler;
}

const SUBRESOURCES: Readonly<Record<string, Partial<Record<Method, Route>>>> = {
  status: { GET: { verb: 'get', handler: getHandler }, PUT: { verb: 'update', handler: putHandler(replaceStatus, 'status') }, PATCH: { verb: 'patch', handler: patchHandler(replaceStatus, 'status') } },
  scale: { GET: { verb: 'get', handler: getScaleHandler }, PUT: { verb: 'update', handler: updateScaleHandler }, PATCH: { verb: 'patch', handler: patchScaleHandler } },
  binding: { POST: { verb: 'create', handler: bindingHandler } },
  eviction: { POST: { verb: 'create', handler: evictionHandler } },
  log: { GET: { verb: 'get', handler: logHandler } },
  exec: { GET: { verb: 'get', handler: execHandler }, POST: { verb: 'create', handler: execHandler } },
  finalize: { PUT: { verb: 'update', handler: finalizeHandler } },
};

const ONE: Partial<Record<Method, Route>> = {
  GET: { verb: 'get', handler: getHandler },
  PUT: { verb: 'update', handler: updateHandler },
  PATCH: { verb: 'patch', handler: objectPatchHandler },
  DELETE: { verb: 'delete', handler: deleteHandler },
};

const COLLECTION: Partial<Record<Method, Route>> = {
  GET: { verb: 'list', handler: collectionGetHandler },
  POST: { verb: 'create', handler: createHandler },
  DELETE: { verb: 'deletecollection', handler: deleteCollectionHandler },
};

function routeFor(method: string, target: Target, ctx: ServerContext): Route {
  const m = (method === 'HEAD' ? 'GET' : method) as Method;
  const table = target.subresource !== undefined ? SUBRESOURCES[target.subresource]! : target.name !== undefined ? ONE : COLLECTION;
  const route = target.legacyWatch && m !== 'GET' ? undefined : table[m];
  if (!route) {
    const what = target.subresource ? `${target.resource.plural}/${target.subresource}` : target.resource.plural;
    throw ApiError.methodNotAllowed(method, { group: target.resource.group, resource: what });
  }
  if (target.name === undefined && (route.verb === 'create' || route.verb === 'deletecollection')) requireNamespace(target, route.verb);
  const watch = target.legacyWatch || (m === 'GET' && target.subresource === undefined && boolParam(ctx.query, 'watch') === true);
  if (watch) return { verb: 'watch', handler: watchHandler };
  return route;
}

function requestInfo(ctx: ServerContext, verb: string, group: string, version: string, target: Target): RequestInfo {
  return {
    verb,
    isResourceRequest: true,
    path: ctx.path,
    group,
    version,
    resource: target.resource.plural,
    subresource: target.subresource,
    namespace: target.namespace,
    name: target.name,
  };
}

/** Throws to refuse; undefined when every request is allowed. */
export type Authorizer = ((ctx: ServerContext, request: RequestInfo) => Promise<void> | void) | undefined;

/**
 * Serves a resource URL under /api/{version} (`prefixSegments` 2) or /apis/{group}/{version} (3).
 * Throws at once what it finds wrong before the handler runs; the handler's failures reject.
 */
export type ResourceServer = (ctx: ServerContext, group: string, version: string, prefixSegments: number) => Promise<void>;

export function resourceServer(core: ServerCore, authorize: Authorizer): ResourceServer {
  // Not async: the handler's promise is returned as it is, without another one around it.
  return (ctx, group, version, prefixSegments) => {
    if (!core.index.hasGroupVersion(group, version)) {
      throw ApiError.of('NotFound', `the server does not serve ${group ? `${group}/${version}` : version} (${ctx.path})`);
    }
    const segments = ctx.path.split('/').slice(prefixSegments + 1);
    const target = resolveTarget(core.index, group, version, segments, ctx.path);
    const route = routeFor(ctx.method, target, ctx);
    const info = requestInfo(ctx, route.verb, group, version, target);
    ctx.state.request = info;
    if (!authorize) return route.handler(core, ctx, target);
    return (async () => {
      await authorize(ctx, info);
      await route.handler(core, ctx, target);
    })();
  };
}

/** The resource URLs koa still routes: those the dispatcher leaves to it (dispatch/resourceUrl.ts). */
export function mountResources(router: Router<ServerState>, serve: ResourceServer): void {
  router.all('/api/:version/*rest', (ctx) => serve(ctx, '', ctx.params.version!, 2));
  router.all('/apis/:group/:version/*rest', (ctx) => serve(ctx, ctx.params.group!, ctx.params.version!, 3));
}
