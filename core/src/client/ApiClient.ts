// The typed client of Corral's (Kubernetes') REST API: what the CLI, the controllers and the
// agent use. Resources are named by a ResourceRef (a ResourceDefinition or a discovered
// ApiResource: no round trip) or by what a person types (`po`, `deployments.apps`: resolved
// through discovery, cached per client).
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../api/errors.js';
import type { ApiObject, ObjectList, Status } from '../api/types.js';
import type { Table } from '../server/table/types.js';
import { Discovery, type ApiResource, type ResourceRef } from './discovery.js';
import { execInPod, type PodExecOptions, type ExecResult } from './exec.js';
import { loadKubeconfig, type ClientConfig, type LoadKubeconfigOptions } from './kubeconfig.js';
import { normalizeRef, resourcePath, type ResolvedRef } from './paths.js';
import { Transport, type Query, type TransportOptions } from './transport.js';
import { ApiWatch, type ApiWatchOptions } from './watch.js';

export type ResourceArg = string | ResourceRef;

export interface ScopeOptions {
  /** For namespaced resources; default: the object's own, else the client's (kubeconfig) namespace. */
  namespace?: string;
  signal?: AbortSignal;
}

export interface ApiListOptions extends ScopeOptions {
  /** Every namespace (`-A`): the namespace is left out of the path. */
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; the answer's `metadata.continue` fetches the next page. */
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions extends ScopeOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** `status`, `scale`, ... */
  subresource?: string;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions extends ScopeOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  /** Delete only if the object still has this uid / resourceVersion (else 409). */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** `strategic`, `merge`, `json`, or a patch content type. */
export type PatchType = 'strategic' | 'merge' | 'json' | string;

const PATCH_TYPES: Record<string, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface ApiClientOptions extends TransportOptions {}

/** `/version`. */
export interface VersionInfo {
  major?: string;
  minor?: string;
  gitVersion?: string;
  gitCommit?: string;
  buildDate?: string;
  goVersion?: string;
  compiler?: string;
  platform?: string;
  [field: string]: unknown;
}

/** autoscaling/v1 Scale, what `/scale` serves. */
export interface Scale extends ApiObject {
  spec: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

export class ApiClient {
  readonly transport: Transport;
  readonly discovery: Discovery;

  constructor(
    readonly config: ClientConfig,
    options: ApiClientOptions = {},
  ) {
    this.transport = new Transport(config, options);
    this.discovery = new Discovery(this.transport);
  }

  /** A client for the server the kubeconfig (or `server`) names. */
  static fromKubeconfig(options: LoadKubeconfigOptions & ApiClientOptions = {}): ApiClient {
    return new ApiClient(loadKubeconfig(options), options);
  }

  /** The default namespace (the context's, or `default`). */
  get namespace(): string {
    return this.config.namespace;
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  /** A ResourceRef as is; a typed name through discovery. */
  async resolve(resource: ResourceArg): Promise<ResolvedRef> {
    return normalizeRef(typeof resource === 'string' ? await this.discovery.resolve(resource) : resource);
  }

  /** The discovered resource serving an object's apiVersion and kind. */
  resourceFor(obj: Pick<ApiObject, 'apiVersion' | 'kind'>): Promise<ApiResource> {
    if (!obj.apiVersion || !obj.kind) throw ApiError.badRequest('the object needs apiVersion and kind');
    return this.discovery.forKind(obj.apiVersion, obj.kind);
  }

  async get<T extends ApiObject = ApiObject>(resource: ResourceArg, name: string, options: ScopeOptions & { subresource?: string } = {}): Promise<T> {
    const ref = await this.resolve(resource);
    const path = resourcePath(ref, { namespace: this.ns(ref, options.namespace), name, subresource: options.subresource });
    return this.transport.json<T>({ path, signal: options.signal });
  }

  /** One page (all of it without `limit`). */
  async list<T extends ApiObject = ApiObject>(resource: ResourceArg, options: ApiListOptions = {}): Promise<ObjectList<T>> {
    const ref = await this.resolve(resource);
    return this.transport.json<ObjectList<T>>({ path: this.collectionPath(ref, options), query: listQuery(options), signal: options.signal });
  }

  /**
   * Every item, read in pages of `pageSize`; the list's resourceVersion is the first page's (the
   * whole list is one snapshot). When the continue token expires mid-way, reads it all at once.
   */
  async listAll<T extends ApiObject = ApiObject>(resource: ResourceArg, options: Omit<ApiListOptions, 'limit' | 'continue'> & { pageSize?: number } = {}): Promise<ObjectList<T>> {
    const ref = await this.resolve(resource);
    const limit = options.pageSize ?? 500;
    const first = await this.list<T>(ref, { ...options, limit });
    const items = [...first.items];
    let token = first.metadata?.continue;
    while (token) {
      let page: ObjectList<T>;
      try {
        page = await this.list<T>(ref, { ...options, limit, continue: token });
      } catch (err) {
        if (err instanceof ApiError && err.code === 410) return this.list<T>(ref, options);
        throw err;
      }
      items.push(...page.items);
      token = page.metadata?.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata?.resourceVersion }, items };
  }

  /** `Accept: ...;as=Table`: the server's own columns, for `get`. Give `name` for one object. */
  async table(resource: ResourceArg, options: ApiListOptions & { name?: string; includeObject?: 'None' | 'Metadata' | 'Object' } = {}): Promise<Table | ObjectList<ApiObject> | ApiObject> {
    const ref = await this.resolve(resource);
    const query: Query = options.name !== undefined ? {} : listQuery(options);
    if (options.includeObject) query.includeObject = options.includeObject;
    const path = options.name !== undefined
      ? resourcePath(ref, { namespace: this.ns(ref, options.namespace), name: options.name })
      : this.collectionPath(ref, options);
    return this.transport.json({ path, query, accept: TABLE_ACCEPT, signal: options.signal });
  }

  async create<T extends ApiObject>(resource: ResourceArg, obj: T, options: WriteOptions = {}): Promise<T> {
    const ref = await this.resolve(resource);
    const namespace = this.ns(ref, options.namespace ?? obj.metadata?.namespace);
    const path = options.subresource
      ? resourcePath(ref, { namespace, name: obj.metadata?.name, subresource: options.subresource })
      : resourcePath(ref, { namespace });
    return this.transport.json<T>({ method: 'POST', path, query: writeQuery(options), body: obj, signal: options.signal });
  }

  /** PUT: replaces the object; `metadata.resourceVersion` set makes it conditional (409 if stale). */
  async update<T extends ApiObject>(resource: ResourceArg, obj: T, options: WriteOptions = {}): Promise<T> {
    const ref = await this.resolve(resource);
    const name = obj.metadata?.name;
    if (!name) throw ApiError.badRequest('an update needs metadata.name');
    const path = resourcePath(ref, { namespace: this.ns(ref, options.namespace ?? obj.metadata.namespace), name, subresource: options.subresource });
    return this.transport.json<T>({ method: 'PUT', path, query: writeQuery(options), body: obj, signal: options.signal });
  }

  /** PUT to `/status`: what controllers write. */
  updateStatus<T extends ApiObject>(resource: ResourceArg, obj: T, options: WriteOptions = {}): Promise<T> {
    return this.update(resource, obj, { ...options, subresource: 'status' });
  }

  async patch<T extends ApiObject = ApiObject>(resource: ResourceArg, name: string, patch: unknown, type: PatchType, options: WriteOptions = {}): Promise<T> {
    const ref = await this.resolve(resource);
    const path = resourcePath(ref, { namespace: this.ns(ref, options.namespace), name, subresource: options.subresource });
    const contentType = PATCH_TYPES[type] ?? type;
    return this.transport.json<T>({ method: 'PATCH', path, query: writeQuery(options), body: patch, contentType, signal: options.signal });
  }

  /** Returns the Status, or the object when deletion is not immediate (finalizers, grace). */
  async delete<T extends ApiObject = ApiObject>(resource: ResourceArg, name: string, options: DeleteOptions = {}): Promise<Status | T> {
    const ref = await this.resolve(resource);
    const path = resourcePath(ref, { namespace: this.ns(ref, options.namespace), name });
    return this.transport.json({ method: 'DELETE', path, body: deleteBody(options), signal: options.signal });
  }

  /** DELETE on the collection: every object matching the selectors. */
  async deleteCollection(resource: ResourceArg, options: DeleteOptions & ApiListOptions = {}): Promise<Status | ObjectList<ApiObject>> {
    const ref = await this.resolve(resource);
    const query = listQuery({ ...options, limit: undefined, continue: undefined });
    return this.transport.json({ method: 'DELETE', path: this.collectionPath(ref, options), query, body: deleteBody(options), signal: options.signal });
  }

  /**
   * Watches a collection (narrow it with selectors; `fieldSelector: metadata.name=x` for one
   * object). The iterator throws ApiError on an ERROR event (410 Expired: list again).
   */
  watch<T extends ApiObject = ApiObject>(resource: ResourceArg, options: Omit<ApiListOptions, 'limit' | 'continue'> & ApiWatchOptions = {}): ApiWatch<T> {
    const resolved = this.resolve(resource);
    return new ApiWatch<T>(async (resourceVersion, signal) => {
      const ref = await resolved;
      const query: Query = { ...listQuery({ ...options, resourceVersion }), watch: 1 };
      if (options.allowWatchBookmarks) query.allowWatchBookmarks = true;
      if (options.timeoutSeconds !== undefined) query.timeoutSeconds = options.timeoutSeconds;
      return this.transport.stream({ path: this.collectionPath(ref, options), query, signal });
    }, options);
  }

  async getScale(resource: ResourceArg, name: string, options: ScopeOptions = {}): Promise<Scale> {
    return this.get<Scale>(resource, name, { ...options, subresource: 'scale' });
  }

  /**
   * Sets replicas through `/scale`. With `currentReplicas` or `resourceVersion`, only if the
   * object still has them (kubectl's preconditions); else a changed object is read again.
   */
  async scale(
    resource: ResourceArg,
    name: string,
    replicas: number,
    options: ScopeOptions & { currentReplicas?: number; resourceVersion?: string; dryRun?: boolean } = {},
  ): Promise<Scale> {
    const ref = await this.resolve(resource);
    for (let attempt = 0; ; attempt++) {
      const scale = await this.getScale(ref, name, options);
      if (options.currentReplicas !== undefined && (scale.spec?.replicas ?? 0) !== options.currentReplicas) {
        throw ApiError.conflict(ref.plural, name, `expected replicas to be ${options.currentReplicas}, was ${scale.spec?.replicas ?? 0}`);
      }
      if (options.resourceVersion !== undefined && scale.metadata.resourceVersion !== options.resourceVersion) {
        throw ApiError.conflict(ref.plural, name, `expected resourceVersion ${options.resourceVersion}, was ${scale.metadata.resourceVersion}`);
      }
      // Without a precondition, as kubectl: no resourceVersion, so the server applies it to
      // whatever version is current (controllers write status all the time).
      const preconditioned = options.currentReplicas !== undefined || options.resourceVersion !== undefined;
      const { resourceVersion: _rv, ...meta } = scale.metadata;
      const desired: Scale = { ...scale, metadata: preconditioned ? scale.metadata : meta, spec: { ...scale.spec, replicas } };
      try {
        return await this.update(ref, desired, { ...options, subresource: 'scale' });
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'Conflict' && !preconditioned && attempt < 3) continue;
        throw err;
      }
    }
  }

  /** `/version`. */
  version(): Promise<VersionInfo> {
    return this.transport.json<VersionInfo>({ path: '/version' });
  }

  /** A pod's log as a stream (`follow` keeps it open). */
  logStream(pod: string, options: PodLogOptions = {}): Promise<IncomingMessage> {
    return this.transport.stream({
      path: resourcePath(PODS, { namespace: options.namespace ?? this.namespace, name: pod, subresource: 'log' }),
      query: logQuery(options),
      accept: '*/*',
      signal: options.signal,
    });
  }

  /** A pod's whole log as text. */
  logs(pod: string, options: Omit<PodLogOptions, 'follow'> = {}): Promise<string> {
    return this.transport.text({
      path: resourcePath(PODS, { namespace: options.namespace ?? this.namespace, name: pod, subresource: 'log' }),
      query: logQuery(options),
      accept: '*/*',
      signal: options.signal,
    });
  }

  /** Runs a command in a pod's container (pods/exec over WebSocket); resolves with its exit code. */
  exec(pod: string, options: Omit<PodExecOptions, 'namespace'> & { namespace?: string }): Promise<ExecResult> {
    return execInPod(this.transport, pod, { ...options, namespace: options.namespace ?? this.namespace });
  }

  /** The namespace to put in the path: none for cluster-scoped kinds. */
  ns(ref: ResolvedRef, namespace: string | undefined): string | undefined {
    return ref.namespaced ? namespace || this.namespace : undefined;
  }

  private collectionPath(ref: ResolvedRef, options: ApiListOptions): string {
    return resourcePath(ref, { namespace: options.allNamespaces ? undefined : this.ns(ref, options.namespace) });
  }
}

export interface PodLogOptions extends ScopeOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

export const PODS: ResolvedRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };

function listQuery(options: ApiListOptions): Query {
  return {
    labelSelector: options.labelSelector || undefined,
    fieldSelector: options.fieldSelector || undefined,
    limit: options.limit,
    continue: options.continue || undefined,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
  };
}

function writeQuery(options: WriteOptions): Query {
  return { dryRun: options.dryRun ? 'All' : undefined, fieldManager: options.fieldManager };
}

function logQuery(options: PodLogOptions): Query {
  return {
    container: options.container,
    follow: options.follow || undefined,
    previous: options.previous || undefined,
    tailLines: options.tailLines,
    sinceSeconds: options.sinceSeconds,
    timestamps: options.timestamps || undefined,
    limitBytes: options.limitBytes,
  };
}

function deleteBody(options: DeleteOptions): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions) body.preconditions = options.preconditions;
  if (options.dryRun) body.dryRun = ['All'];
  return Object.keys(body).length > 0 ? { kind: 'DeleteOptions', apiVersion: 'v1', ...body } : undefined;
}
