// The HTTP answers of the /openapi endpoints, independent of the web framework: the server maps
// a request to `openApiReply` and writes back what it returns.
import type { OpenApiDocuments, SerializedDocument } from './documents.js';
import { OPENAPI_V2_PROTOBUF_TYPE } from './v2proto.js';
import { groupVersionPath } from './v3.js';

export interface OpenApiRequest {
  /** The URL path, e.g. /openapi/v3/apis/apps/v1. */
  readonly path: string;
  readonly query?: URLSearchParams;
  /** The Accept header: protobuf is what kubectl and client-go ask /openapi/v2 for. */
  readonly accept?: string;
  readonly ifNoneMatch?: string;
}

export interface OpenApiReply {
  readonly status: 200 | 301 | 304;
  readonly headers: Readonly<Record<string, string>>;
  /** Absent for 301 and 304. */
  readonly body?: string | Uint8Array;
}

const JSON_TYPE = 'application/json';
const YEAR_SECONDS = 365 * 24 * 3600;

function answer(body: string | Uint8Array, type: string, hash: string, req: OpenApiRequest, extra: Record<string, string> = {}): OpenApiReply {
  const etag = `"${hash}"`;
  const headers = { ETag: etag, Vary: 'Accept', ...extra };
  if (req.ifNoneMatch && req.ifNoneMatch.split(',').some((t) => t.trim() === etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'Content-Type': type }, body };
}

function wantsV2Protobuf(accept: string | undefined): boolean {
  // Both spellings client-go has used: ...spec.v2@v1.0+protobuf and ...spec.v2.v1.0+protobuf.
  return (accept ?? '').toLowerCase().includes('application/com.github.proto-openapi.spec.v2');
}

/** The group-version a /openapi/v3/... path names; undefined when it names none. */
function parseV3Path(rest: string): { group: string; version: string } | undefined {
  const parts = rest.split('/');
  if (parts.length === 2 && parts[0] === 'api') return { group: '', version: parts[1]! };
  if (parts.length === 3 && parts[0] === 'apis') return { group: parts[1]!, version: parts[2]! };
  return undefined;
}

/**
 * The reply to a GET of an /openapi path, or undefined when the path is not one of them (or
 * names a group-version that is not served): the caller answers 404 then.
 */
export function openApiReply(docs: OpenApiDocuments, req: OpenApiRequest): OpenApiReply | undefined {
  const path = req.path.replace(/\/+$/, '');
  if (path === '/openapi/v2') {
    if (wantsV2Protobuf(req.accept)) {
      const { bytes, hash } = docs.v2Protobuf();
      return answer(bytes, OPENAPI_V2_PROTOBUF_TYPE, hash, req);
    }
    const doc = docs.v2();
    return answer(doc.json, JSON_TYPE, doc.hash, req);
  }
  if (path === '/openapi/v3') {
    const doc = docs.v3Index();
    return answer(doc.json, JSON_TYPE, doc.hash, req, { 'Cache-Control': 'no-cache, private' });
  }
  if (!path.startsWith('/openapi/v3/')) return undefined;
  const gv = parseV3Path(path.slice('/openapi/v3/'.length));
  const doc: SerializedDocument | undefined = gv && docs.v3(gv.group, gv.version);
  if (!gv || !doc) return undefined;
  const asked = req.query?.get('hash');
  if (asked && asked !== doc.hash) {
    // An old link: send the client to the current document, as Kubernetes does.
    return { status: 301, headers: { Location: `/openapi/v3/${groupVersionPath(gv.group, gv.version)}?hash=${doc.hash}` } };
  }
  const caching: Record<string, string> = asked
    ? { 'Cache-Control': `public, immutable, max-age=${YEAR_SECONDS}` }
    : { 'Cache-Control': 'no-cache, private' };
  return answer(doc.json, JSON_TYPE, doc.hash, req, caching);
}
