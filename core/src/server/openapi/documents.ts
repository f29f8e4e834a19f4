// The documents the server serves, each computed once per set of resource definitions (and
// frozen), serialized once, and named by a content hash so that clients may cache them.
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../../api/index.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { swaggerDocument } from './v2.js';
import { encodeOpenApiV2 } from './v2proto.js';
import { groupVersionDocument, groupVersionPath } from './v3.js';

/** The /openapi/v3 index: each group-version's document, by its path. */
export interface OpenApiV3Index {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

/** A document with its serialized form and the hash of that form. */
export interface SerializedDocument {
  readonly document: object;
  readonly json: string;
  /** Upper-case hex SHA-512 of `json`, as Kubernetes names its v3 documents. */
  readonly hash: string;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const sha512 = (text: string | Uint8Array): string => createHash('sha512').update(text).digest('hex').toUpperCase();

function serialize(document: object): SerializedDocument {
  const json = JSON.stringify(document);
  return { document: deepFreeze(document), json, hash: sha512(json) };
}

/**
 * Every document of one set of definitions, each built on first use and then kept. Nothing is
 * built up front: walking the joi schemas takes the better part of a second, which a server
 * should not spend at start-up for clients that may never ask.
 */
export class OpenApiDocuments {
  private catalogBuilt?: Catalog;
  private v2Doc?: SerializedDocument;
  private v2Proto?: { bytes: Uint8Array; hash: string };
  private readonly v3Docs = new Map<string, SerializedDocument | undefined>();
  private index?: SerializedDocument;

  constructor(private readonly defs: readonly ResourceDefinition[]) {}

  private get catalog(): Catalog {
    this.catalogBuilt ??= buildCatalog(this.defs);
    return this.catalogBuilt;
  }

  v2(): SerializedDocument {
    this.v2Doc ??= serialize(swaggerDocument(this.catalog));
    return this.v2Doc;
  }

  v2Protobuf(): { readonly bytes: Uint8Array; readonly hash: string } {
    if (!this.v2Proto) {
      const bytes = encodeOpenApiV2(this.v2().document as Record<string, unknown>);
      this.v2Proto = { bytes, hash: sha512(bytes) };
    }
    return this.v2Proto;
  }

  /** The document of a group-version ('' for the core group), or undefined if none is served. */
  v3(group: string, version: string): SerializedDocument | undefined {
    const key = groupVersionPath(group, version);
    if (!this.v3Docs.has(key)) {
      const doc = groupVersionDocument(this.catalog, group, version);
      this.v3Docs.set(key, doc && serialize(doc));
    }
    return this.v3Docs.get(key);
  }

  v3Index(): SerializedDocument {
    if (!this.index) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const { group, version } of this.catalog.groupVersions) {
        const path = groupVersionPath(group, version);
        paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${this.v3(group, version)!.hash}` };
      }
      this.index = serialize({ paths });
    }
    return this.index;
  }
}

const cache = new WeakMap<readonly ResourceDefinition[], OpenApiDocuments>();

/** The documents of `defs`, built on first use; the same array gets the same instance. */
export function openApiDocuments(defs: readonly ResourceDefinition[]): OpenApiDocuments {
  let docs = cache.get(defs);
  if (!docs) {
    docs = new OpenApiDocuments(defs);
    cache.set(defs, docs);
  }
  return docs;
}

/** The Swagger 2.0 document of every kind in `defs` (frozen; built once per array). */
export function buildOpenApiV2(defs: readonly ResourceDefinition[]): object {
  return openApiDocuments(defs).v2().document;
}

/** The /openapi/v3 discovery index (frozen; built once per array). */
export function buildOpenApiV3Paths(defs: readonly ResourceDefinition[]): OpenApiV3Index {
  return openApiDocuments(defs).v3Index().document as OpenApiV3Index;
}

/** The OpenAPI 3.0 document of one group-version, or undefined when `defs` serve none by that name. */
export function buildOpenApiV3GroupVersion(defs: readonly ResourceDefinition[], group: string, version: string): object | undefined {
  return openApiDocuments(defs).v3(group, version)?.document;
}
