// Content negotiation: what the Accept header asks for (plain JSON, YAML, a server-side Table,
// object metadata only, aggregated discovery, Kubernetes protobuf) and writing the answer in that form.
import { stringify } from 'yaml';
import { ApiError } from '../api/errors.js';
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE, Unencodable } from './protobuf/index.js';
import type { ServerContext } from './types.js';

export type Output =
  | { readonly as: 'json' }
  | { readonly as: 'yaml' }
  | { readonly as: 'Table'; readonly version: string }
  | { readonly as: 'PartialObjectMetadata'; readonly version: string }
  | { readonly as: 'APIGroupDiscoveryList'; readonly version: string }
  | { readonly as: 'protobuf' };

export type OutputKind = Output['as'];

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

const JSON_OUT: Output = { as: 'json' };
const YAML_OUT: Output = { as: 'yaml' };
const PROTOBUF_OUT: Output = { as: 'protobuf' };
const META_GROUP = 'meta.k8s.io';

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [type, ...rest] = part.split(';');
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    }
    const q = params.q === undefined ? 1 : Number(params.q);
    ranges.push({ type: (type ?? '').trim().toLowerCase(), params, q: Number.isFinite(q) ? q : 0 });
  }
  // Stable: equal q keeps the client's order.
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

function outputFor(range: MediaRange): Output | undefined {
  const { type, params } = range;
  if (type === 'application/yaml') return params.as ? undefined : YAML_OUT;
  if (type === PROTOBUF_MEDIA_TYPE) return params.as ? undefined : PROTOBUF_OUT;
  if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') return undefined;
  if (!params.as) return JSON_OUT;
  const version = params.v ?? '';
  if (params.as === 'Table' && params.g === META_GROUP && (version === 'v1' || version === 'v1beta1')) {
    return { as: 'Table', version };
  }
  if ((params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList') && params.g === META_GROUP && (version === 'v1' || version === 'v1beta1')) {
    return { as: 'PartialObjectMetadata', version };
  }
  if (params.as === 'APIGroupDiscoveryList' && params.g === 'apidiscovery.k8s.io' && version === 'v2' && !params.profile) {
    return { as: 'APIGroupDiscoveryList', version };
  }
  return undefined;
}

// Clients send the same few Accept headers over and over: parse each once.
const parsed = new Map<string, Output[]>();

function candidates(header: string): Output[] {
  let list = parsed.get(header);
  if (!list) {
    list = parseAccept(header).map(outputFor).filter((o): o is Output => o !== undefined);
    if (parsed.size > 200) parsed.clear();
    parsed.set(header, list);
  }
  return list;
}

function isWatch(ctx: ServerContext): boolean {
  const watch = ctx.query.watch;
  return (watch !== undefined && watch !== 'false' && watch !== '0') || ctx.path.includes('/watch/');
}

/**
 * The first form in the Accept header that `allowed` holds; 406 when there is none. Protobuf is
 * chosen only when the client takes nothing else: every client reads JSON, and JSON carries every
 * field, where the protobuf tables cover the built-in kinds' fields only.
 */
export function negotiate(ctx: ServerContext, allowed: ReadonlySet<OutputKind>): Output {
  const header = ctx.get('Accept');
  if (!header) return JSON_OUT;
  let protobuf = false;
  for (const output of candidates(header)) {
    if (output.as === 'protobuf') protobuf = true;
    else if (allowed.has(output.as)) return output;
  }
  if (protobuf && allowed.has('protobuf') && !isWatch(ctx)) return PROTOBUF_OUT;
  if (protobuf) {
    throw ApiError.of(
      'NotAcceptable',
      `cannot answer in ${header}: ${PROTOBUF_MEDIA_TYPE} is served for objects and lists of the built-in kinds, ` +
        'not for watches, tables or discovery; add application/json to Accept',
    );
  }
  throw ApiError.notAcceptable(header, ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io', PROTOBUF_MEDIA_TYPE]);
}

export const RESOURCE_OUTPUTS: ReadonlySet<OutputKind> = new Set(['json', 'yaml', 'Table', 'PartialObjectMetadata', 'protobuf']);
export const OBJECT_OUTPUTS: ReadonlySet<OutputKind> = new Set(['json', 'yaml', 'protobuf']);

/** Writes `body` as JSON (or YAML or protobuf when asked for), with `status`. */
export function send(ctx: ServerContext, status: number, body: unknown, output: Output = JSON_OUT): void {
  ctx.status = status;
  if (output.as === 'protobuf') {
    try {
      const bytes = encodeProtobufObject(body);
      ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      ctx.type = PROTOBUF_MEDIA_TYPE;
      return;
    } catch (err) {
      if (!(err instanceof Unencodable)) throw err;
      // The request has been carried out by now: answer in JSON, which every client reads, and say why.
      warn(ctx, `answered in JSON: ${err.message}`);
    }
  }
  if (output.as === 'yaml') {
    ctx.type = 'application/yaml';
    ctx.body = stringify(body);
    return;
  }
  ctx.type = 'application/json';
  // ?pretty=true, as Kubernetes offers it for people reading with curl.
  const pretty = ctx.query.pretty === 'true' || ctx.query.pretty === '1';
  ctx.body = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
}

/** Characters a header cannot carry as they are: node refuses DEL and past U+00FF, and sends the rest past ASCII inconsistently. */
const NOT_HEADER_ASCII = /[\u007f-\uffff]/g;

/**
 * Adds a `Warning` header as Kubernetes writes them (code 299, agent "-"). A warning may quote a
 * client's field name: characters past ASCII go as \u escapes, so any text makes a valid header.
 */
export function warn(ctx: ServerContext, message: string): void {
  const text = JSON.stringify(message).replace(NOT_HEADER_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  ctx.append('Warning', `299 - ${text}`);
}
