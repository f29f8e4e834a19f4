// What every client command shares: kubectl's connection flags, the client they build, and one
// error path printing what went wrong the way kubectl does (exit code 1, no stack).
import type { Argv } from 'yargs';
import { ApiError } from '../../api/errors.js';
import { ManifestError } from '../../api/manifests.js';
import { ApiClient } from '../../client/ApiClient.js';
import { KubeconfigError } from '../../client/kubeconfig.js';
import { ConnectionError } from '../../client/transport.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { parseDuration } from '../duration.js';
import { JsonPathError } from '../output/jsonpath.js';

export interface ClientArgs extends GlobalArgs {
  kubeconfig?: string;
  server?: string;
  namespace?: string;
  context?: string;
  'request-timeout'?: string;
}

/** kubectl's global connection flags, on one command. */
export function withClientFlags<T>(y: Argv<T>): Argv<T & ClientArgs> {
  return y
    .option('kubeconfig', { type: 'string', describe: 'the kubeconfig file to use', defaultDescription: '$KUBECONFIG, ~/.corral/kubeconfig, ~/.kube/config' })
    .option('server', { alias: 's', type: 'string', describe: "the API server's address, overriding the kubeconfig's" })
    .option('namespace', { alias: 'n', type: 'string', describe: "the namespace for this request, overriding the context's" })
    .option('context', { type: 'string', describe: 'the kubeconfig context to use' })
    .option('request-timeout', { type: 'string', describe: 'how long to wait for one request (e.g. 5s, 1m); 0 waits forever', default: '0' })
    .group(['kubeconfig', 'server', 'namespace', 'context', 'request-timeout'], 'Connection:') as Argv<T & ClientArgs>;
}

/** A client for the flags' server and context. */
export function connect(ctx: CliContext, argv: ClientArgs): ApiClient {
  const timeoutMs = parseDuration(argv['request-timeout'] ?? '0', 'request-timeout');
  return ApiClient.fromKubeconfig({
    path: argv.kubeconfig,
    env: ctx.env,
    server: argv.server,
    context: argv.context,
    namespace: argv.namespace,
    timeoutMs,
    userAgent: 'corral-cli',
  });
}

/** A failure already explained to the user (printed); the command only has to exit non-zero. */
export class ReportedError extends Error {
  override readonly name = 'ReportedError';
}

/** A problem with what the user asked for, printed as `error: <message>`. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/**
 * A handler for a client command: builds the client from the flags, runs `body`, prints any
 * error kubectl-style and sets the exit code; always closes the client's connections.
 */
export function clientHandler<A extends ClientArgs>(
  ctx: CliContext,
  body: (argv: A, client: ApiClient) => Promise<void>,
): (argv: A) => Promise<void> {
  return async (argv) => {
    let client: ApiClient | undefined;
    try {
      client = connect(ctx, argv);
      await body(argv, client);
    } catch (err) {
      reportError(ctx, err);
    } finally {
      client?.close();
    }
  };
}

/** Prints `err` as kubectl would and marks the command failed. */
export function reportError(ctx: CliContext, err: unknown): void {
  ctx.exitCode = 1;
  if (err instanceof ReportedError) return;
  ctx.stderr.write(`${formatError(err)}\n`);
}

export function formatError(err: unknown): string {
  if (err instanceof ApiError) return formatApiError(err);
  if (err instanceof ConnectionError) return err.message;
  if (err instanceof KubeconfigError || err instanceof CliError || err instanceof JsonPathError || err instanceof ManifestError) {
    return `error: ${err.message}`;
  }
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}

/** `Error from server (NotFound): pods "x" not found`; invalid objects list their causes. */
export function formatApiError(err: ApiError, context?: string): string {
  const status = err.status;
  const details = status.details;
  if (status.reason === 'Invalid' && details?.kind && details.causes?.length) {
    const kind = details.group ? `${details.kind}.${details.group}` : details.kind;
    const causes = details.causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
    const head = `The ${kind} "${details.name ?? ''}" is invalid`;
    return causes.length === 1 ? `${head}: ${causes[0]}` : `${head}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
  }
  const message = context ? `${context}: ${err.message}` : err.message;
  return status.reason ? `Error from server (${status.reason}): ${message}` : `Error from server: ${message}`;
}
