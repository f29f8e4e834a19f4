// The context of a request the dispatcher serves without koa: the members handlers use
// (ServerContext), answered the way koa answers (status, Content-Type with charset,
// Content-Length, HEAD without a body), with the headers written in one writeHead call instead
// of one setHeader each.
import { STATUS_CODES, validateHeaderName, validateHeaderValue, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import type { ServerContext, ServerState } from '../types.js';

type HeaderValue = string | string[];

/** Statuses that carry no body (koa strips it, and its type and length). */
const EMPTY_STATUSES = new Set([204, 205, 304]);

/** Query parameters as koa reads them: URLSearchParams' decoding, an array for a repeated name. */
export function parseQuery(querystring: string): ParsedUrlQuery {
  const query: ParsedUrlQuery = {};
  if (querystring === '') return query;
  const params = new URLSearchParams(querystring);
  for (const name of params.keys()) {
    if (Object.prototype.hasOwnProperty.call(query, name)) continue;
    const values = params.getAll(name);
    // Defined rather than assigned: a parameter named __proto__ is a parameter like any other.
    Object.defineProperty(query, name, { value: values.length <= 1 ? values[0] : values, writable: true, enumerable: true, configurable: true });
  }
  return query;
}

/** A media type as koa writes it: JSON and text say their charset. */
export function contentTypeHeader(type: string): string {
  if (type.includes('charset')) return type;
  const semi = type.indexOf(';');
  const media = (semi < 0 ? type : type.slice(0, semi)).trim().toLowerCase();
  return media === 'application/json' || media.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

export class RequestContext implements ServerContext {
  readonly state: ServerState = {};
  status = 404;
  body: unknown = undefined;
  respond?: boolean;
  private contentType?: string;
  /** Headers set before the answer, by lower-case name: written with the status in one call. */
  private headers?: Map<string, [string, HeaderValue]>;
  /** Once `res` is handed out its user may write to it: headers go to it at once from then on. */
  private direct = false;
  private parsedQuery?: ParsedUrlQuery;

  constructor(
    readonly req: IncomingMessage,
    private readonly response: ServerResponse,
    readonly path: string,
    readonly querystring: string,
  ) {}

  get res(): ServerResponse {
    if (!this.direct) {
      this.direct = true;
      if (this.contentType !== undefined) this.response.setHeader('Content-Type', this.contentType);
      for (const [name, value] of this.headers?.values() ?? []) this.response.setHeader(name, value);
      this.headers = undefined;
    }
    return this.response;
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get url(): string {
    return this.req.url ?? '/';
  }

  get query(): ParsedUrlQuery {
    return (this.parsedQuery ??= parseQuery(this.querystring));
  }

  get type(): string {
    const type = this.contentType ?? '';
    const semi = type.indexOf(';');
    return semi < 0 ? type : type.slice(0, semi);
  }

  set type(type: string) {
    this.contentType = type ? contentTypeHeader(type) : undefined;
    if (this.direct) {
      if (this.contentType === undefined) this.response.removeHeader('Content-Type');
      else this.response.setHeader('Content-Type', this.contentType);
    }
  }

  get headerSent(): boolean {
    return this.response.headersSent;
  }

  get writable(): boolean {
    const res = this.response;
    if (res.writableEnded) return false;
    return res.socket ? res.socket.writable : true;
  }

  get(field: string): string {
    const name = field.toLowerCase();
    const headers = this.req.headers;
    if (name === 'referer' || name === 'referrer') return String(headers.referrer ?? headers.referer ?? '');
    const value = headers[name];
    return value === undefined ? '' : String(value);
  }

  set(field: string, value: HeaderValue): void {
    // Checked now, as setHeader would: a bad value fails the request, not the answer's writing.
    validateHeaderName(field);
    for (const one of Array.isArray(value) ? value : [value]) validateHeaderValue(field, one);
    if (field.toLowerCase() === 'content-type' && !Array.isArray(value)) {
      this.contentType = value;
      if (this.direct) this.response.setHeader(field, value);
      return;
    }
    if (this.direct) {
      this.response.setHeader(field, value);
      return;
    }
    (this.headers ??= new Map()).set(field.toLowerCase(), [field, value]);
  }

  append(field: string, value: HeaderValue): void {
    const previous = this.direct ? this.response.getHeader(field) : this.headers?.get(field.toLowerCase())?.[1];
    if (previous === undefined || previous === '') {
      this.set(field, value);
      return;
    }
    const before = Array.isArray(previous) ? previous : [String(previous)];
    this.set(field, before.concat(value));
  }

  /** Writes the answer the handler left in `status`, `type` and `body`, as koa's respond does. */
  finish(): void {
    if (this.respond === false) return;
    const res = this.response;
    if (!this.writable) {
      res.end();
      return;
    }
    let body = this.body;
    const status = this.status;
    if (EMPTY_STATUSES.has(status)) {
      this.contentType = undefined;
      this.headers?.delete('content-length');
      this.writeHead(status, undefined);
      res.end();
      return;
    }
    if (body === undefined || body === null) {
      body = STATUS_CODES[status] ?? String(status);
      this.contentType = 'text/plain; charset=utf-8';
    }
    let bytes: string | Buffer;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      bytes = body;
      this.contentType ??= typeof body === 'string' ? contentTypeHeader(/^\s*</.test(body) ? 'text/html' : 'text/plain') : 'application/octet-stream';
    } else {
      bytes = JSON.stringify(body);
      this.contentType ??= contentTypeHeader('application/json');
    }
    const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
    this.writeHead(status, length);
    if (this.req.method === 'HEAD') res.end();
    else res.end(bytes);
  }

  private writeHead(status: number, length: number | undefined): void {
    const res = this.response;
    if (res.headersSent) return;
    if (this.direct) {
      res.statusCode = status;
      if (length !== undefined && !res.hasHeader('Content-Length')) res.setHeader('Content-Length', length);
      if (length === undefined) {
        res.removeHeader('Content-Type');
        res.removeHeader('Content-Length');
      }
      return;
    }
    const out: OutgoingHttpHeaders = {};
    if (this.contentType !== undefined) out['Content-Type'] = this.contentType;
    if (length !== undefined && !this.headers?.has('content-length')) out['Content-Length'] = length;
    for (const [name, value] of this.headers?.values() ?? []) out[name] = value;
    res.writeHead(status, out);
  }
}
