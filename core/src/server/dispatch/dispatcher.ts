// The server's request listener. Resource URLs, nearly every request a cluster makes, go
// straight to their handler: one scan of the URL, a light context, the same authentication,
// authorization, handlers and error path as through koa, minus koa's per-request machinery
// (context objects, middleware chain, the router's pattern walk). Everything else (discovery,
// health, OpenAPI, 404s, unusual URLs) goes to the koa app, which answers as it always has.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerError } from '../errors.js';
import type { ResourceServer } from '../routes/resources.js';
import type { ApiServerOptions, ServerLogger } from '../types.js';
import { RequestContext } from './RequestContext.js';
import { parseResourceUrl } from './resourceUrl.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
export type Authenticate = NonNullable<ApiServerOptions['authenticate']>;

export interface DispatcherParts {
  readonly serve: ResourceServer;
  readonly authenticate: Authenticate;
  readonly logger: ServerLogger;
  /** For every request that is not a plain resource URL. */
  readonly fallback: RequestListener;
}

export function createDispatcher(parts: DispatcherParts): RequestListener {
  const { serve, authenticate, logger, fallback } = parts;

  const handle = async (ctx: RequestContext, group: string, version: string, prefixSegments: number): Promise<void> => {
    try {
      const user = authenticate(ctx.req);
      // The default answers at once: no await (and its turn of the microtask queue) on every request.
      ctx.state.user = user instanceof Promise ? await user : user;
      await serve(ctx, group, version, prefixSegments);
    } catch (thrown) {
      answerError(logger, ctx, thrown);
    }
    ctx.finish();
  };

  return (req, res) => {
    const url = parseResourceUrl(req.url ?? '');
    if (!url) {
      fallback(req, res);
      return;
    }
    const ctx = new RequestContext(req, res, url.path, url.querystring);
    handle(ctx, url.group, url.version, url.prefixSegments).catch((err: unknown) => {
      // Only writing the answer itself can fail here: the handlers' errors were answered.
      logger.error(`${ctx.method} ${ctx.url}: the answer could not be written`, { stack: err instanceof Error ? err.stack : String(err) });
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  };
}
