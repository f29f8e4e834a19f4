// An informer's in-memory copy of the objects it watches, keyed `namespace/name`, with named
// indexes (by namespace, by controller uid, by node, ...) so controllers find related objects
// without scanning. Objects in it are shared: never mutate one, copy it first.
import type { ApiObject } from '../../api/types.js';

/** The values an object is indexed under; [] for none. */
export type IndexFunc<T extends ApiObject = ApiObject> = (obj: T) => string[];

export type Indexers<T extends ApiObject = ApiObject> = Record<string, IndexFunc<T>>;

/** `namespace/name`, or `name` for cluster-scoped objects: the key of caches and queues. */
export function cacheKey(obj: Pick<ApiObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  if (!name) throw new Error('cannot key an object without metadata.name');
  return namespace ? `${namespace}/${name}` : name;
}

/** The namespace ('' for cluster-scoped) and name of a key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Index by namespace. */
export const namespaceIndex: IndexFunc = (obj) => (obj.metadata.namespace ? [obj.metadata.namespace] : []);

/** Index by the uid of every owner (look up "what does X own"). */
export const ownerUidIndex: IndexFunc = (obj) => (obj.metadata.ownerReferences ?? []).map((ref) => ref.uid);

/** Index pods by the node they are bound to. */
export const nodeNameIndex: IndexFunc = (obj) => {
  const node = (obj.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof node === 'string' && node ? [node] : [];
};

export class ObjectCache<T extends ApiObject = ApiObject> {
  private readonly items = new Map<string, T>();
  /** index name → value → keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Indexers<T> = {}) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** The objects indexed under `value` by the indexer `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no indexer named "${name}"; the cache has: ${[...this.indices.keys()].join(', ') || 'none'}`);
    return [...(index.get(value) ?? [])].map((key) => this.items.get(key)!);
  }

  /** Adds or replaces; returns the previous object. */
  set(obj: T): T | undefined {
    const key = cacheKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes; returns the removed object. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
