// The request listener: the dispatcher for resource URLs (dispatch/), and the koa application
// for the rest, the onion composed once:
//   errors (one Status path) -> authentication slot -> routes (discovery, health, OpenAPI,
//   resources) -> 404 for everything else.
import Router from '@koa/router';
import Koa from 'koa';
import { ApiError } from '../api/errors.js';
import type { ResourceDefinition } from '../api/resource.js';
import type { ServerCore } from './core.js';
import { connectionUser } from './dispatch/connectionUser.js';
import { createDispatcher, type Authenticate, type RequestListener } from './dispatch/dispatcher.js';
import { errorMiddleware } from './errors.js';
import { mountDiscovery } from './routes/discovery.js';
import { mountHealth, type HealthState } from './routes/health.js';
import { mountOpenApi } from './routes/openapi.js';
import { mountResources, resourceServer, type ResourceServer } from './routes/resources.js';
import type { ApiServerOptions, ServerState } from './types.js';

export interface AppParts {
  readonly core: ServerCore;
  readonly definitions: readonly ResourceDefinition[];
  readonly health: HealthState;
  readonly authenticate?: ApiServerOptions['authenticate'];
  readonly authorize?: ApiServerOptions['authorize'];
}

function createApp(parts: AppParts, authenticate: Authenticate, serve: ResourceServer): Koa<ServerState> {
  const app = new Koa<ServerState>();
  // Errors are answered and logged by errorMiddleware; koa's own printing stays off.
  app.silent = true;
  app.use(errorMiddleware(parts.core.logger));

  // Authentication's place: sets ctx.state.user (undefined = anonymous).
  app.use(async (ctx, next) => {
    const user = authenticate(ctx.req);
    // The default answers at once: no await (and its turn of the microtask queue) on every request.
    ctx.state.user = user instanceof Promise ? await user : user;
    await next();
  });

  const router = new Router<ServerState>();
  mountHealth(router, parts.health);
  mountOpenApi(router, parts.definitions);
  mountDiscovery(router, parts.core.index);
  mountResources(router, serve);
  app.use(router.routes());
  app.use((ctx) => {
    // The router records the routes whose path matched whatever their method.
    const matched = (ctx as { matched?: unknown[] }).matched;
    if (matched && matched.length > 0) throw ApiError.methodNotAllowed(ctx.method, ctx.path);
    throw ApiError.of('NotFound', `the server could not find the requested resource (${ctx.method} ${ctx.path})`);
  });
  return app;
}

export function createRequestListener(parts: AppParts): RequestListener {
  const authenticate = parts.authenticate ?? connectionUser();
  const authorize = parts.authorize;
  const serve = resourceServer(parts.core, authorize && ((ctx, request) => authorize(ctx.state.user, request)));
  const app = createApp(parts, authenticate, serve);
  return createDispatcher({ serve, authenticate, logger: parts.core.logger, fallback: app.callback() });
}
