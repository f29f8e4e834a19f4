// The OpenAPI documents kubectl reads for apply, explain and field validation.
import type Router from '@koa/router';
import { ApiError } from '../../api/errors.js';
import type { ResourceDefinition } from '../../api/resource.js';
import { openApiDocuments, openApiReply } from '../openapi/index.js';
import type { ServerState } from '../types.js';

export function mountOpenApi(router: Router<ServerState>, definitions: readonly ResourceDefinition[]): void {
  const docs = openApiDocuments(definitions);
  const serve = (ctx: Parameters<Parameters<Router<ServerState>['get']>[1]>[0]): void => {
    const answer = openApiReply(docs, {
      path: ctx.path,
      query: new URLSearchParams(ctx.querystring),
      accept: ctx.get('Accept') || undefined,
      ifNoneMatch: ctx.get('If-None-Match') || undefined,
    });
    if (!answer) throw ApiError.of('NotFound', `no OpenAPI document at ${ctx.path}`);
    ctx.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, value);
    if (answer.body !== undefined) ctx.body = typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body);
  };
  router.get('/openapi/v2', serve);
  router.get('/openapi/v3', serve);
  router.get('/openapi/v3/api/:version', serve);
  router.get('/openapi/v3/apis/:group/:version', serve);
}
