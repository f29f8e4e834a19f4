import type Docker from 'dockerode';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * A client for the daemon at `endpoint` (a socket path, `unix:///path`, or `tcp://host:port`).
 * dockerode is loaded here, on first use: agents on other runtimes never pay for it.
 */
export async function dockerFor(endpoint: string): Promise<Docker> {
  const { default: Docker } = await import('dockerode');
  if (endpoint.startsWith('tcp://') || endpoint.startsWith('http://')) {
    const url = new URL(endpoint.replace(/^tcp:/, 'http:'));
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
  }
  return new Docker({ socketPath: socketPathOf(endpoint) });
}

export function socketPathOf(endpoint: string): string {
  return endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : endpoint;
}

interface DockerError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

export function statusOf(err: unknown): number | undefined {
  return (err as DockerError | undefined)?.statusCode;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** The daemon's own sentence for an error, without dockerode's "(HTTP code ...)" prefix. */
export function daemonMessage(err: unknown): string {
  const e = err as DockerError;
  return e?.json?.message ?? e?.message ?? String(err);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** The error a person reads when the daemon does not answer: which socket, and what to do. */
export class DockerUnavailableError extends Error {
  constructor(
    readonly endpoint: string,
    cause: unknown,
  ) {
    const code = (cause as DockerError)?.code ?? 'unknown error';
    super(
      `Cannot reach the Docker daemon at ${endpoint} (${code}): is dockerd running? ` +
        `Start it (systemctl start docker, or dockerd --host unix://${socketPathOf(endpoint)}), ` +
        `or point the docker runtime at the right socket (its "socket" option, or DOCKER_HOST).`,
      { cause },
    );
    this.name = 'DockerUnavailableError';
  }
}

/** Turns connection failures into DockerUnavailableError; other errors pass unchanged. */
export function explain(endpoint: string, err: unknown): unknown {
  const code = (err as DockerError | undefined)?.code;
  if (code && UNREACHABLE.has(code) && statusOf(err) === undefined) return new DockerUnavailableError(endpoint, err);
  return err;
}

/** An error naming the operation and the object, keeping the daemon's reason. */
export function failure(what: string, err: unknown): Error {
  if (err instanceof DockerUnavailableError) return err;
  const reason = daemonMessage(err).replace(/^docker runtime: /, '');
  return new Error(`docker runtime: ${what}: ${reason}`, { cause: err });
}
