// Every API error is a Kubernetes `Status` object: clients (kubectl, client libraries) read
// `code`, `reason` and `details` to decide what happened, so those follow Kubernetes exactly.
import type { Status, StatusCause } from './types.js';
import { formatCause } from './validation/field.js';

export const StatusReasons = {
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  /** A watch or list asked for a resourceVersion that was compacted away. */
  Expired: 'Expired',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Invalid: 'Invalid',
  TooManyRequests: 'TooManyRequests',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
} as const;
export type StatusReason = (typeof StatusReasons)[keyof typeof StatusReasons];

const STATUS_CODES: Readonly<Record<StatusReason, number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

/** The HTTP status code Kubernetes uses for a reason. */
export function codeForReason(reason: StatusReason): number {
  return STATUS_CODES[reason];
}

// Where two reasons share a code, the general one names it: 409 Conflict, 410 Gone.
const REASONS_BY_CODE: ReadonlyMap<number, StatusReason> = new Map(
  (Object.entries(STATUS_CODES) as [StatusReason, number][])
    .filter(([reason]) => reason !== 'AlreadyExists' && reason !== 'Expired')
    .map(([reason, code]) => [code, reason]),
);

/** The reason Kubernetes gives an HTTP status code that came without a Status. */
export function reasonForCode(code: number): StatusReason | undefined {
  return REASONS_BY_CODE.get(code);
}

/** Names a resource as URLs do: `pods`, or `deployments` in group `apps`. */
export interface GroupResource {
  group?: string;
  resource: string;
}

/** Names a kind: `Pod`, or `Deployment` in group `apps`. */
export interface GroupKind {
  group?: string;
  kind: string;
}

/** `deployments.apps`, `pods`: how Kubernetes names a resource or kind in messages. */
function qualified(name: string, group?: string): string {
  return group ? `${name}.${group}` : name;
}

function asResource(what: GroupResource | string): GroupResource {
  return typeof what === 'string' ? { resource: what } : what;
}

type Details = NonNullable<Status['details']>;

export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? `API error ${status.code}`);
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }

  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }

  toJSON(): Status {
    return this.status;
  }

  /** A Failure status with `reason`'s code; `details` only when given. */
  static of(reason: StatusReason, message: string, details?: Details): ApiError {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code: codeForReason(reason),
    };
    if (details) status.details = details;
    return new ApiError(status);
  }

  /** Wraps a Status received from a server, keeping it as it was. */
  static fromStatus(status: Status): ApiError {
    return new ApiError(status);
  }

  static badRequest(message: string, causes?: StatusCause[]): ApiError {
    return ApiError.of('BadRequest', message, causes?.length ? { causes } : undefined);
  }

  static unauthorized(message = 'authentication required'): ApiError {
    return ApiError.of('Unauthorized', message);
  }

  static notFound(what: GroupResource | string, name: string): ApiError {
    const { group, resource } = asResource(what);
    return ApiError.of('NotFound', `${qualified(resource, group)} "${name}" not found`, {
      name,
      group: group ?? '',
      kind: resource,
    });
  }

  static alreadyExists(what: GroupResource | string, name: string): ApiError {
    const { group, resource } = asResource(what);
    return ApiError.of('AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, {
      name,
      group: group ?? '',
      kind: resource,
    });
  }

  /** An optimistic-concurrency failure: the object changed since the client read it. */
  static conflict(
    what: GroupResource | string,
    name: string,
    detail = 'the object was changed since it was read; read it again and reapply the change',
  ): ApiError {
    const { group, resource } = asResource(what);
    return ApiError.of('Conflict', `cannot change ${qualified(resource, group)} "${name}": ${detail}`, {
      name,
      group: group ?? '',
      kind: resource,
    });
  }

  /** 422, its message listing every cause: `Pod "x" is invalid: [a: Required value, b: ...]`. */
  static invalid(what: GroupKind | string, name: string | undefined, causes: StatusCause[]): ApiError {
    const { group, kind } = typeof what === 'string' ? { kind: what, group: undefined } : what;
    const listed = causes.map(formatCause);
    const summary = listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`;
    return ApiError.of('Invalid', `${qualified(kind, group)} "${name ?? ''}" is invalid: ${summary}`, {
      name: name ?? '',
      group: group ?? '',
      kind,
      causes,
    });
  }

  static forbidden(what: GroupResource | string, name: string, why: string): ApiError {
    const { group, resource } = asResource(what);
    const target = name ? `${qualified(resource, group)} "${name}"` : qualified(resource, group);
    return ApiError.of('Forbidden', `${target} is forbidden: ${why}`, { name, group: group ?? '', kind: resource });
  }

  static methodNotAllowed(verb: string, what?: GroupResource | string): ApiError {
    const target = what ? qualified(asResource(what).resource, asResource(what).group) : 'this resource';
    return ApiError.of('MethodNotAllowed', `${verb} is not supported on ${target}`);
  }

  static notAcceptable(accept: string, supported: readonly string[]): ApiError {
    return ApiError.of('NotAcceptable', `cannot answer in ${accept}; supported: ${supported.join(', ')}`);
  }

  static gone(message: string): ApiError {
    return ApiError.of('Gone', message);
  }

  /** The watch/list resourceVersion is older than the store keeps (410, reason Expired). */
  static expired(message: string): ApiError {
    return ApiError.of('Expired', message);
  }

  static requestEntityTooLarge(limitBytes?: number): ApiError {
    const limit = limitBytes === undefined ? '' : ` (limit: ${limitBytes} bytes)`;
    return ApiError.of('RequestEntityTooLarge', `the request body is too large${limit}`);
  }

  static unsupportedMediaType(contentType: string, supported: readonly string[]): ApiError {
    return ApiError.of(
      'UnsupportedMediaType',
      `the body's content type "${contentType}" is not supported; send one of: ${supported.join(', ')}`,
    );
  }

  static tooManyRequests(message: string, retryAfterSeconds?: number): ApiError {
    return ApiError.of('TooManyRequests', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
  }

  static internal(error: unknown): ApiError {
    const message = error instanceof Error ? error.message : String(error);
    return ApiError.of('InternalError', `internal error: ${message}`, { causes: [{ message }] });
  }

  static serviceUnavailable(message: string, retryAfterSeconds?: number): ApiError {
    return ApiError.of('ServiceUnavailable', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
  }

  static timeout(message: string, retryAfterSeconds?: number): ApiError {
    return ApiError.of('Timeout', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
  }
}

/** True for an ApiError, and with `reason` only for one with that reason. */
export function isApiError(error: unknown, reason?: StatusReason): error is ApiError {
  return error instanceof ApiError && (reason === undefined || error.reason === reason);
}

/** Any thrown value as the Status to send: ApiErrors as they are, anything else as a 500. */
export function toStatus(error: unknown): Status {
  return error instanceof ApiError ? error.status : ApiError.internal(error).status;
}

/** The Status of a successful delete and similar answers. */
export function successStatus(details?: Details): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) status.details = details;
  return status;
}
