// The Store contract: what the API layer and controllers may rely on, whichever backend runs.

/**
 * Object metadata as far as the store cares: the version stamp and the identity. The second
 * form admits interfaces without an index signature (the API layer's ObjectMeta), which
 * TypeScript will not match against the first.
 */
export type StoredObjectMeta =
  | { resourceVersion?: string; uid?: string; [k: string]: unknown }
  | { resourceVersion?: string; uid?: string };

/** A JSON object of the Kubernetes shape; the store reads only `metadata`. */
export interface StoredObject {
  metadata?: StoredObjectMeta;
  [k: string]: unknown;
}

/**
 * The bound for a store's object type. Looser than StoredObject on purpose: the API layer's own
 * interfaces (Pod, Deployment, ...) have no index signature and must still fit.
 */
export interface StoredObjectLike {
  metadata?: { resourceVersion?: string; uid?: string };
}

export interface ListOptions {
  /** Snapshot revision to read at; 0 or absent = the latest. Ignored when `continue` is set. */
  revision?: number;
  /** At most this many items; 0 or absent = all. */
  limit?: number;
  /** Token from a previous page: resumes that page's snapshot after its last key. */
  continue?: string;
}

export interface ListResult<T> {
  /** In key order, each with `metadata.resourceVersion` = its modification revision. */
  items: T[];
  /** The snapshot revision the items were read at. */
  revision: number;
  /** Set when more items remain: pass it as `continue` to read the next page. */
  continue?: string;
  /** How many items remain after this page (in the same snapshot), when a `continue` is set. */
  remainingItemCount?: number;
}

export interface WatchOptions {
  /** Deliver every change with a revision greater than this; 0 or absent = from now. */
  revision?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T> {
  type: WatchEventType;
  key: string;
  /** The new value; for DELETED, the last value with resourceVersion = the delete's revision. */
  object: T;
  /** The value before this change, when there was one and history still holds it. */
  prevObject?: T;
  revision: number;
}

/**
 * A running watch. Iterate it with `for await`; the iteration throws a StoreError when the
 * watch cannot go on (Compacted, WatchOverflow, Unavailable) and ends when `stop()` is called.
 */
export interface Watch<T> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
}

export interface Preconditions {
  resourceVersion?: string;
  uid?: string;
}

export interface Store<T extends StoredObjectLike = StoredObject> {
  readonly backend: 'embedded' | 'etcd';
  /**
   * Fails with AlreadyExists if `key` holds a value. Returns `obj` as stored: a new top level and
   * metadata (with the resourceVersion), deeper values shared with `obj`. Reads return fresh copies.
   */
  create(key: string, obj: T): Promise<T>;
  /** Fails with NotFound. */
  get(key: string): Promise<T>;
  list(prefix: string, options?: ListOptions): Promise<ListResult<T>>;
  /**
   * Replaces the value at `key`. If `obj.metadata.resourceVersion` is set, only when it equals the
   * current modification revision (else Conflict); NotFound if absent. Returns as create does.
   */
  update(key: string, obj: T): Promise<T>;
  /** Returns the last value, with resourceVersion = the delete's revision. */
  delete(key: string, preconditions?: Preconditions): Promise<T>;
  watch(prefix: string, options?: WatchOptions): Promise<Watch<T>>;
  /** Drops history before `revision`: reads and watches from older revisions get Compacted. */
  compact(revision: number): Promise<void>;
  currentRevision(): Promise<number>;
  close(): Promise<void>;
}

/** Tuning of the embedded backend; only `dir` is required. */
export interface EmbeddedStoreConfig {
  /** Data directory (created if missing); one process at a time (a lock file guards it). */
  dir: string;
  /** Write a snapshot and start a new WAL segment after this many WAL bytes. Default 64 MiB. */
  snapshotEveryBytes?: number;
  /** Auto-compaction keeps at most this many revisions of history. Default 50,000. */
  retainRevisions?: number;
  /** Auto-compaction drops history older than this. Default 5 minutes. */
  retainMs?: number;
  /** How often auto-compaction runs. Default 10 s; 0 turns auto-compaction off. */
  compactionIntervalMs?: number;
  /** A watch whose consumer lags this many undelivered events is ended. Default 10,000. */
  maxWatchBacklog?: number;
  /** Receives notices such as a truncated torn WAL tail. Default: console.warn. */
  onNotice?: (message: string) => void;
}

export interface EtcdStoreConfig {
  /** Client URLs, e.g. ["http://127.0.0.1:2379"]. */
  endpoints: string[];
  /** Prefix put before every key, so several stores can share one etcd. */
  prefix?: string;
  /** Per-request deadline; past it the request fails with Unavailable. Default 5 s. */
  requestTimeoutMs?: number;
  /** Connection attempt limit. Default 3 s. */
  dialTimeoutMs?: number;
  /** A watch ends with Unavailable after this long without its etcd stream. Default 10 s. */
  watchReconnectTimeoutMs?: number;
  /** Events buffered per watch for a slow consumer before the watch is ended. Default 10,000. */
  watchBufferSize?: number;
  auth?: { username: string; password: string };
  /** PEM files for TLS to etcd. */
  tls?: { caFile: string; certFile?: string; keyFile?: string };
}

/** The config file's `store:` section. */
export type StoreConfig = { embedded: EmbeddedStoreConfig } | { etcd: EtcdStoreConfig };
