// The one error path: whatever is thrown while serving a request becomes a Kubernetes Status
// with the right code, is logged once with the request line, and the server carries on.
import type { Middleware } from 'koa';
import { ApiError, codeForReason, reasonForCode, type GroupResource, type StatusReason } from '../api/errors.js';
import type { Status } from '../api/types.js';
import { AdmissionDenied } from '../kernel/contracts/admission.js';
import { StoreError } from '../store/errors.js';
import { PatchError } from './patch/errors.js';
import type { ServerContext, ServerLogger, ServerState } from './types.js';

/** Too large a resourceVersion: Kubernetes answers 504 with this cause so clients retry. */
export function tooLargeResourceVersion(requested: number | string, current: number): ApiError {
  return ApiError.of('Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/**
 * A StoreError in the words of the API. With `what` and `name` the object is named as
 * Kubernetes names it (`pods "web" not found`); without, the store's own message is kept.
 */
export function fromStoreError(err: StoreError, what?: GroupResource, name?: string): ApiError {
  switch (err.code) {
    case 'NotFound':
      return what && name !== undefined ? ApiError.notFound(what, name) : ApiError.of('NotFound', err.message);
    case 'AlreadyExists':
      return what && name !== undefined ? ApiError.alreadyExists(what, name) : ApiError.of('AlreadyExists', err.message);
    case 'Conflict':
      return what && name !== undefined
        ? ApiError.conflict(what, name, 'the object has been modified; please apply your changes to the latest version and try again')
        : ApiError.of('Conflict', err.message);
    case 'Compacted':
      return ApiError.expired(`too old resource version: ${err.revision ?? '?'} (${err.actualRevision ?? '?'}); list again for a current one`);
    case 'FutureRevision':
      return tooLargeResourceVersion(err.revision ?? '?', err.actualRevision ?? 0);
    case 'InvalidArgument':
      return ApiError.badRequest(err.message);
    case 'Unavailable':
      return ApiError.serviceUnavailable(`the store is unavailable: ${err.message}`, 1);
    case 'WatchOverflow':
      return ApiError.of('TooManyRequests', err.message);
    default:
      return ApiError.internal(err);
  }
}

/** An admission refusal as the 403 Kubernetes sends, naming the plugin that refused. */
export function fromAdmissionDenied(err: AdmissionDenied, what?: GroupResource, name = ''): ApiError {
  const why = `admission plugin "${err.plugin}" denied the request: ${err.message}`;
  const denied = ApiError.forbidden(what ?? 'resource', name, why);
  if (err.field) denied.status.details = { ...denied.status.details, causes: [{ reason: 'FieldValueForbidden', field: err.field, message: err.message }] };
  return denied;
}

function fromPatchError(err: PatchError): ApiError {
  const causes = err.field ? [{ reason: 'FieldValueInvalid', field: err.field, message: err.message }] : undefined;
  return ApiError.of(err.reason, err.message, causes ? { causes } : undefined);
}

/** Any thrown value as an ApiError; unexpected ones become 500s. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreError) return fromStoreError(err);
  if (err instanceof PatchError) return fromPatchError(err);
  if (err instanceof AdmissionDenied) return fromAdmissionDenied(err);
  // koa's own errors (ctx.throw, a body koa refused) carry an HTTP status meant for the client.
  const status = (err as { status?: unknown; expose?: unknown } | undefined)?.status;
  const reason = typeof status === 'number' && status >= 400 && status < 500 ? reasonForCode(status) : undefined;
  if (reason) {
    return ApiError.of(reason, (err as Error).message);
  }
  return ApiError.internal(err);
}

/** The Status of `err`, with the code always set. */
export function statusOf(err: ApiError): Status {
  const status = err.status;
  if (!status.code && status.reason) status.code = codeForReason(status.reason as StatusReason);
  return status;
}

/**
 * Answers `thrown` as a Status and logs it once with the request line; a response already
 * under way (a watch, a relayed stream) is left as it is.
 */
export function answerError(logger: ServerLogger, ctx: ServerContext, thrown: unknown): void {
  const err = toApiError(thrown);
  const status = statusOf(err);
  const request = `${ctx.method} ${ctx.url}`;
  if (status.code >= 500) {
    logger.error(`${request} -> ${status.code} ${status.reason}: ${status.message}`, {
      stack: thrown instanceof Error ? thrown.stack : String(thrown),
    });
  } else {
    logger.info(`${request} -> ${status.code} ${status.reason}: ${status.message}`);
  }
  if (ctx.headerSent || !ctx.writable) return;
  ctx.status = status.code;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(status);
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined) ctx.set('Retry-After', String(retry));
}

/** Outermost middleware: every error ends here as a Status response and one log entry. */
export function errorMiddleware(logger: ServerLogger): Middleware<ServerState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      answerError(logger, ctx, thrown);
    }
  };
}
