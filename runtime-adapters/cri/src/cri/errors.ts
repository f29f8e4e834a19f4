import type { ServiceError } from '@grpc/grpc-js';

// gRPC's status codes (kept here so that loading this module does not load gRPC).
const GRPC_CODES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'] as const;
const UNAVAILABLE = 14;
const UNIMPLEMENTED = 12;

/** A failed CRI call: which RPC, on which endpoint, and the runtime's own words. */
export class CriError extends Error {
  constructor(
    message: string,
    /** The gRPC status code name, e.g. `NOT_FOUND`. */
    readonly code: string,
    readonly rpc: string,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = 'CriError';
  }
}

/** Nothing listens on the endpoint: containerd is not running there. */
export class CriUnavailableError extends CriError {
  override name = 'CriUnavailableError';
}

/** Something listens, but does not serve CRI v1: containerd's CRI plugin is off or too old. */
export class CriUnimplementedError extends CriError {
  override name = 'CriUnimplementedError';
}

export function isNotFound(err: unknown): boolean {
  return err instanceof CriError && err.code === 'NOT_FOUND';
}

function codeName(code: number): string {
  return GRPC_CODES[code] ?? String(code);
}

function socketOf(endpoint: string): string {
  return endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : endpoint;
}

/** Turns a gRPC failure into an error that says what to do about it. */
export function translateError(err: ServiceError, rpc: string, endpoint: string): CriError {
  const details = err.details || err.message;
  if (err.code === UNAVAILABLE) {
    return new CriUnavailableError(
      `cannot reach containerd's CRI endpoint ${endpoint} (${rpc}): ${details}. ` +
        `Is containerd running with its socket at ${socketOf(endpoint)}? Start it (\`systemctl start containerd\`, ` +
        `or \`containerd --config /etc/containerd/config.toml\`), or set the @corral/runtime-cri plugin's ` +
        '`endpoint` option to the socket it listens on.',
      'UNAVAILABLE',
      rpc,
      endpoint,
    );
  }
  if (err.code === UNIMPLEMENTED && /unknown service runtime\.v1\./.test(details)) {
    return new CriUnimplementedError(
      `${endpoint} answers but does not serve the CRI v1 API (${rpc}: ${details}). containerd's CRI plugin is ` +
        'disabled or failed to load: remove "cri" from `disabled_plugins` in its config.toml (the one Docker ships ' +
        "sets it), check containerd's log for \"failed to load plugin io.containerd.grpc.v1.cri\", and use " +
        'containerd 1.5 or newer.',
      'UNIMPLEMENTED',
      rpc,
      endpoint,
    );
  }
  return new CriError(`CRI ${rpc} on ${endpoint} failed: ${details}`, codeName(err.code), rpc, endpoint);
}
