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
  /** `protobuf`: as meta.k8s.io protobuf messages rather than JSON. */
  | { readonly as: 'PartialObjectMetadata'; readonly version: string; readonly protobuf?: boolean }
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

/** A meta.k8s.io transform (Table, PartialObjectMetadata) of a known version, or undefined. */
function metaTransform(params: Record<string, string>): 'Table' | 'PartialObjectMetadata' | undefined {
  const version = params.v ?? '';
  if (params.g !== META_GROUP || (version !== 'v1' && version !== 'v1beta1')) return undefined;
  if (params.as === 'Table') return 'Table';
  if (params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList') return 'PartialObjectMetadata';
  return undefined;
}

function outputFor(range: MediaRange): Output | undefined {
  const { type, params } = range;
  // `stream=watch` is the one stream Kubernetes names (clients add it to ask for a watch's framing).
  if (params.stream !== undefined && params.stream !== 'watch') return undefined;
  if (type === 'application/yaml') return params.as ? undefined : YAML_OUT;
  if (type === PROTOBUF_MEDIA_TYPE) {
    if (!params.as) return PROTOBUF_OUT;
    // Kubernetes writes PartialObjectMetadata in protobuf, but Tables in JSON and YAML only.
    return metaTransform(params) === 'PartialObjectMetadata' ? { as: 'PartialObjectMetadata', version: params.v!, protobuf: true } : undefined;
  }
  if (type !== 'application/json' && type !== 'application/*' && type !== '*/*') return undefined;
  if (!params.as) return JSON_OUT;
  const version = params.v ?? '';
  const transform = metaTransform(params);
  if (transform) return { as: transform, version };
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

function isProtobuf(output: Output): boolean {
  return output.as === 'protobuf' || (output.as === 'PartialObjectMetadata' && output.protobuf === true);
}

/** Whether `output`, a protobuf form, may answer where `allowed` holds the forms served. */
function protobufServes(output: Output, allowed: ReadonlySet<OutputKind>): boolean {
  if (!allowed.has('protobuf')) return false;
  if (output.as === 'protobuf') return true;
  return allowed.has('PartialObjectMetadata');
}

/** Why a request that takes only protobuf forms gets a 406. */
function protobufRefusal(header: string, allowed: ReadonlySet<OutputKind>): ApiError {
  const asked = parseAccept(header);
  const table = asked.some((r) => r.type === PROTOBUF_MEDIA_TYPE && metaTransform(r.params) === 'Table');
  let why: string;
  if (!allowed.has('protobuf')) why = `${PROTOBUF_MEDIA_TYPE} is served for objects, lists and watches of the built-in kinds, not here`;
  else if (table) why = 'a Table is served as application/json or application/yaml only, as in Kubernetes';
  else why = `the forms asked for are not served in ${PROTOBUF_MEDIA_TYPE}`;
  return ApiError.of('NotAcceptable', `cannot answer in ${header}: ${why}; add application/json to Accept`);
}

/**
 * The first form in the Accept header that `allowed` holds; 406 when there is none. Protobuf is
 * chosen only when the client takes nothing else: every client reads JSON, and JSON carries every
 * field, where the protobuf tables cover the built-in kinds' fields only.
 */
export function negotiate(ctx: ServerContext, allowed: ReadonlySet<OutputKind>): Output {
  const header = ctx.get('Accept');
  if (!header) return JSON_OUT;
  let protobuf: Output | undefined;
  for (const output of candidates(header)) {
    if (isProtobuf(output)) protobuf ??= protobufServes(output, allowed) ? output : undefined;
    else if (allowed.has(output.as)) return output;
  }
  if (protobuf) return protobuf;
  const asked = parseAccept(header);
  if (asked.some((r) => r.type === PROTOBUF_MEDIA_TYPE)) throw protobufRefusal(header, allowed);
  throw ApiError.notAcceptable(header, ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io', PROTOBUF_MEDIA_TYPE]);
}

export const RESOURCE_OUTPUTS: ReadonlySet<OutputKind> = new Set(['json', 'yaml', 'Table', 'PartialObjectMetadata', 'protobuf']);
export const OBJECT_OUTPUTS: ReadonlySet<OutputKind> = new Set(['json', 'yaml', 'protobuf']);

/** Writes `body` as JSON (or YAML or protobuf when asked for), with `status`. */
export function send(ctx: ServerContext, status: number, body: unknown, output: Output = JSON_OUT): void {
  ctx.status = status;
  if (isProtobuf(output)) {
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
