import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Corral } from '../kernel/Corral.js';
import type { UserInfo } from '../kernel/contracts/admission.js';
import type { Store } from '../store/types.js';
import type { ServiceRangeOptions } from './services/index.js';

/** Where the server writes what happened: one line per entry, with the request it concerns. */
export interface ServerLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

export interface ApiServerOptions {
  corral: Corral;
  store: Store;
  /** host:port; default 127.0.0.1:6443. Port 0 picks a free port. */
  listen?: string;
  /**
   * HTTPS. Default: plain HTTP on loopback addresses, HTTPS anywhere else. `{ dir }` keeps the
   * CA and serving certificate there (generated once); `true` without a dir generates them in
   * memory for this process only; `false` forces plain HTTP.
   */
  tls?: boolean | { dir: string };
  /** The largest request body accepted; default 3 MiB, as Kubernetes. */
  maxBodyBytes?: number;
  /** Default: console for errors and warnings. */
  logger?: ServerLogger;
  /** How often an idle watch that asked for bookmarks gets one; default 60 s. */
  bookmarkIntervalMs?: number;
  /** Where Services get their ClusterIPs and NodePorts. */
  services?: ServiceRangeOptions;
  /** Upper bound of the namespace finalizer's retry delay; default 10 s. */
  namespaceRetryMaxMs?: number;
  /**
   * Who sent a request; throw an ApiError (401) to refuse. Default: the user of a client
   * certificate signed by the server's CA, else anonymous (undefined).
   */
  authenticate?: (req: IncomingMessage) => Promise<UserInfo | undefined> | UserInfo | undefined;
  /** May `user` do what `request` asks? Throw an ApiError (403) to refuse. Default: allow all. */
  authorize?: (user: UserInfo | undefined, request: RequestInfo) => Promise<void> | void;
}

export interface ApiServer {
  /** e.g. http://127.0.0.1:6443 or https://127.0.0.1:6443 */
  readonly url: string;
  /** The CA (PEM) that signed the serving certificate, when serving HTTPS. */
  readonly caCertificate?: string;
  /**
   * When serving HTTPS: a client certificate (PEM) signed by the server's CA, identifying
   * `user` (CN) in `groups` (O), for a kubeconfig.
   */
  issueClientCertificate?(user: string, groups?: readonly string[]): { certificate: string; key: string };
  /** Stops accepting, ends watches and open connections; leaves the store open. */
  close(): Promise<void>;
}

/** What a request addresses, as Kubernetes' RequestInfo says it. */
export interface RequestInfo {
  /** get, list, watch, create, update, patch, delete, deletecollection, or the HTTP verb otherwise. */
  readonly verb: string;
  readonly isResourceRequest: boolean;
  readonly path: string;
  readonly group?: string;
  readonly version?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** The typed `ctx.state` of every request. */
export interface ServerState {
  /** Set by the authentication slot; undefined = anonymous. */
  user?: UserInfo;
  /** Set once the request's target is resolved. */
  request?: RequestInfo;
}

/**
 * What a handler reads and writes of one request: a subset of koa's context, which koa's own
 * context has and so has the dispatcher's lighter one for resource URLs (dispatch/). Set
 * `respond = false` after answering on `res` directly (watches, relayed streams).
 */
export interface ServerContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The request target as sent: path and query. */
  readonly url: string;
  /** The path, not decoded. */
  readonly path: string;
  /** After the '?', not decoded; '' when none. */
  readonly querystring: string;
  /** One value per name, an array for a repeated name. */
  readonly query: ParsedUrlQuery;
  readonly state: ServerState;
  status: number;
  body: unknown;
  /** The media type of the body; JSON and text get `; charset=utf-8`. */
  type: string;
  respond?: boolean;
  readonly headerSent: boolean;
  readonly writable: boolean;
  /** A request header, '' when absent. */
  get(field: string): string;
  set(field: string, value: string | string[]): void;
  append(field: string, value: string | string[]): void;
}
