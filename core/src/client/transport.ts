// HTTP to one API server: keep-alive connections, TLS and credentials from the kubeconfig, and
// every failure turned into an ApiError carrying the server's Status (or one made up like
// client-go's when the server sent none).
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { ApiError, reasonForCode } from '../api/errors.js';
import type { Status } from '../api/types.js';
import type { ClientConfig } from './kubeconfig.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  path: string;
  query?: Query;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: OutgoingHttpHeaders;
  signal?: AbortSignal;
  /** Milliseconds until the whole request is abandoned; 0 for none. Default: the transport's. */
  timeoutMs?: number;
}

export interface TransportOptions {
  /** Default per-request timeout in ms (kubectl's `--request-timeout`); 0 (default) for none. */
  timeoutMs?: number;
  userAgent?: string;
  /** How often a request answered 429/503 with Retry-After is retried (client-go: 10). */
  maxRetries?: number;
}

/** The server could not be reached or did not answer in time (no Status to show). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

// The messages client-go uses when a failed response carries no Status.
const GENERIC_MESSAGES: Record<number, string> = {
  401: 'You must be logged in to the server (Unauthorized)',
  403: 'the server does not allow access to the requested resource',
  404: 'the server could not find the requested resource',
  405: 'the server does not allow this method on the requested resource',
  409: 'the server reported a conflict',
  410: 'the server responded with the status code 410 but did not return more information',
  500: 'an error on the server has prevented the request from succeeding',
  503: 'the server is currently unable to handle the request',
  504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
};

export class Transport {
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly headers: OutgoingHttpHeaders;
  private readonly request_: typeof http.request;

  constructor(
    readonly config: ClientConfig,
    readonly options: TransportOptions = {},
  ) {
    this.server = new URL(config.server);
    const secure = this.server.protocol === 'https:';
    if (!secure && this.server.protocol !== 'http:') throw new ConnectionError(`the server URL ${config.server} must start with http:// or https://`);
    this.agent = secure
      ? new https.Agent({
          keepAlive: true,
          ca: config.ca,
          cert: config.clientCert,
          key: config.clientKey,
          rejectUnauthorized: !config.insecureSkipTlsVerify,
          servername: config.tlsServerName,
        })
      : new http.Agent({ keepAlive: true });
    this.request_ = secure ? https.request : http.request;
    this.headers = { 'user-agent': options.userAgent ?? 'corral' };
    if (config.token) this.headers.authorization = `Bearer ${config.token}`;
    else if (config.username !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
    }
  }

  /** Sends a request and reads the whole answer; throws ApiError for any non-2xx answer. */
  async json<T>(options: RequestOptions): Promise<T> {
    const body = await this.text(options);
    if (body === '') return undefined as T;
    try {
      return JSON.parse(body) as T;
    } catch {
      throw ApiError.of('InternalError', `the server's answer to ${options.method ?? 'GET'} ${options.path} is not JSON: ${body.slice(0, 200)}`);
    }
  }

  async text(options: RequestOptions): Promise<string> {
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const res = await this.open(options);
      const body = await readBody(res);
      if (res.statusCode! >= 200 && res.statusCode! < 300) return body;
      const error = errorFrom(res, body);
      const retryAfter = Number(res.headers['retry-after']);
      if (attempt < maxRetries && (res.statusCode === 429 || res.statusCode === 503) && retryAfter > 0) {
        await delay(Math.min(retryAfter, 10) * 1000, options.signal);
        continue;
      }
      throw error;
    }
  }

  /**
   * Opens a request and returns the response once its headers arrive, for streaming (watch,
   * logs). A non-2xx answer is read and thrown as ApiError.
   */
  async stream(options: RequestOptions): Promise<IncomingMessage> {
    const res = await this.open({ ...options, timeoutMs: options.timeoutMs ?? 0 });
    if (res.statusCode! >= 200 && res.statusCode! < 300) return res;
    throw errorFrom(res, await readBody(res));
  }

  /** The URL of `path` with `query`, for requests made elsewhere (an exec upgrade). */
  url(path: string, query?: Query | URLSearchParams): URL {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    if (query instanceof URLSearchParams) url.search = query.toString();
    else for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Options for a raw node request to `url` with this transport's agent and credentials. */
  requestOptions(method: string, headers: OutgoingHttpHeaders = {}): http.RequestOptions {
    return { method, agent: this.agent, headers: { ...this.headers, ...headers } };
  }

  get requestFn(): typeof http.request {
    return this.request_;
  }

  /** Closes idle keep-alive connections so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * A keep-alive connection the server closes as idle while this side sends on it fails before
   * any answer (ECONNRESET, EPIPE): the server never read that request, so it is sent once more
   * on a fresh connection, as Go's transport does.
   */
  private async open(options: RequestOptions): Promise<IncomingMessage> {
    try {
      return await this.openOnce(options);
    } catch (err) {
      if (!(err instanceof StaleConnection)) throw err;
      return this.openOnce(options, true);
    }
  }

  private openOnce(options: RequestOptions, retried = false): Promise<IncomingMessage> {
    const method = options.method ?? 'GET';
    const url = this.url(options.path, options.query);
    let payload: Buffer | undefined;
    const headers: OutgoingHttpHeaders = { accept: options.accept ?? 'application/json', ...options.headers };
    if (options.body !== undefined) {
      payload = Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = payload.length;
    }
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 0;
    return new Promise((resolve, reject) => {
      const req = this.request_(url, { ...this.requestOptions(method, headers), signal: options.signal });
      let timer: NodeJS.Timeout | undefined;
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          req.destroy(new ConnectionError(`the request to ${url.host} timed out after ${timeoutMs / 1000}s (--request-timeout)`, 'ETIMEDOUT'));
        }, timeoutMs);
        req.once('close', () => clearTimeout(timer));
      }
      // The timer runs on through the body: it bounds the whole request, as kubectl's does.
      req.once('response', resolve);
      req.once('error', (err: Error & { code?: string }) => {
        const stale = !retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !options.signal?.aborted;
        reject(stale ? new StaleConnection(err.message) : connectionError(err, url));
      });
      req.end(payload);
    });
  }
}

/** A reused keep-alive connection was found closed before the request got any answer. */
class StaleConnection extends Error {}

function connectionError(err: Error & { code?: string }, url: URL): Error {
  if (err instanceof ConnectionError || err.name === 'AbortError') return err;
  if (err.code === 'ECONNREFUSED') {
    return new ConnectionError(`The connection to the server ${url.host} was refused - did you specify the right host or port?`, err.code);
  }
  return new ConnectionError(`Unable to connect to the server ${url.host}: ${err.message}`, err.code);
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('aborted', () => reject(new ConnectionError('the server closed the connection mid-answer', 'ECONNRESET')));
  });
}

/** The ApiError for a failed answer: its Status if it sent one, else one named after the code. */
export function errorFrom(res: IncomingMessage, body: string): ApiError {
  const code = res.statusCode ?? 500;
  try {
    const parsed = JSON.parse(body) as Partial<Status>;
    if (parsed && parsed.kind === 'Status') return ApiError.fromStatus({ ...parsed, code: parsed.code ?? code } as Status);
  } catch {
    // Not JSON: fall through to a made-up Status.
  }
  const reason = reasonForCode(code) ?? (code >= 500 ? 'InternalError' : 'BadRequest');
  const text = body.trim();
  const message = GENERIC_MESSAGES[code] ?? (text ? text.slice(0, 500) : `the server answered ${code} ${res.statusMessage ?? ''}`.trim());
  return ApiError.fromStatus({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
