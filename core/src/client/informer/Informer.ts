// An informer keeps an ObjectCache in step with the server: list once (paged), then watch from
// the list's resourceVersion. When the watch can no longer resume (410 Expired: history
// compacted) it lists again and delivers only the differences, deletes of objects that vanished
// meanwhile included. Handlers run inline on the event path, so they must be cheap: put a key on
// a WorkQueue and return.
import { ApiError } from '../../api/errors.js';
import type { ApiObject, ObjectList } from '../../api/types.js';
import type { ApiClient, ResourceArg } from '../ApiClient.js';
import type { ApiWatchEvent } from '../watch.js';
import { ObjectCache, cacheKey, type Indexers } from './ObjectCache.js';

/** A watch the informer can read and stop: what ApiClient.watch returns. */
export interface InformerWatch<T extends ApiObject> extends AsyncIterable<ApiWatchEvent<T>> {
  stop(): void;
  /** Where a new watch would resume (moved by bookmarks too). */
  readonly resourceVersion: string | undefined;
}

/** Where an informer's objects come from: a client and a resource, or a fake in tests. */
export interface ListerWatcher<T extends ApiObject> {
  list(signal: AbortSignal): Promise<ObjectList<T>>;
  watch(resourceVersion: string): InformerWatch<T>;
}

export interface Selection {
  /** One namespace; default: all of them. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per page of the list. Default 500. */
  pageSize?: number;
}

export interface InformerOptions<T extends ApiObject> {
  indexers?: Indexers<T>;
  /** Called on list/watch failures (they are retried) and on handlers that throw. */
  onError?: (error: unknown) => void;
  /** Retry delays after a failed list or watch. Default 100 ms doubling to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** The client's list and watch of one resource. */
export function listerWatcherFor<T extends ApiObject>(client: ApiClient, resource: ResourceArg, selection: Selection = {}): ListerWatcher<T> {
  const scope = {
    ...(selection.namespace ? { namespace: selection.namespace } : { allNamespaces: true }),
    labelSelector: selection.labelSelector,
    fieldSelector: selection.fieldSelector,
  };
  return {
    list: (signal) => client.listAll<T>(resource, { ...scope, pageSize: selection.pageSize, signal }),
    watch: (resourceVersion) => client.watch<T>(resource, { ...scope, resourceVersion, allowWatchBookmarks: true, reconnect: true }),
  };
}

/** An informer for one resource through `client`. */
export function informerFor<T extends ApiObject = ApiObject>(
  client: ApiClient,
  resource: ResourceArg,
  options: Selection & InformerOptions<T> = {},
): Informer<T> {
  return new Informer<T>(listerWatcherFor<T>(client, resource, options), options);
}

/** `finalStateUnknown`: the object vanished while the informer was disconnected; `obj` is the last state it saw. */
export type DeleteHandler<T> = (obj: T, finalStateUnknown: boolean) => void;

export class Informer<T extends ApiObject = ApiObject> {
  readonly cache: ObjectCache<T>;
  private readonly addHandlers = new Set<(obj: T) => void>();
  private readonly updateHandlers = new Set<(old: T, obj: T) => void>();
  private readonly deleteHandlers = new Set<DeleteHandler<T>>();
  private readonly syncWaiters: ((synced: boolean) => void)[] = [];
  private readonly abort = new AbortController();
  private synced = false;
  private running?: Promise<void>;
  private watch?: InformerWatch<T>;
  private lastRv: string | undefined;
  private readonly onError: (error: unknown) => void;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;

  constructor(
    private readonly source: ListerWatcher<T>,
    options: InformerOptions<T> = {},
  ) {
    this.cache = new ObjectCache<T>(options.indexers);
    this.onError = options.onError ?? (() => undefined);
    this.initialBackoff = options.backoff?.initialMs ?? 100;
    this.maxBackoff = options.backoff?.maxMs ?? 30_000;
  }

  /** Registers a handler; a late one first sees an add for each cached object. Returns a remover. */
  onAdd(handler: (obj: T) => void): () => void {
    this.addHandlers.add(handler);
    for (const obj of this.cache.list()) this.call(() => handler(obj));
    return () => this.addHandlers.delete(handler);
  }

  onUpdate(handler: (old: T, obj: T) => void): () => void {
    this.updateHandlers.add(handler);
    return () => this.updateHandlers.delete(handler);
  }

  onDelete(handler: DeleteHandler<T>): () => void {
    this.deleteHandlers.add(handler);
    return () => this.deleteHandlers.delete(handler);
  }

  /** Starts listing and watching; safe to call twice. */
  start(): this {
    this.running ??= this.run();
    return this;
  }

  /** Stops for good: the watch is closed, pending waitForSync calls answer false. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.watch?.stop();
    this.settleWaiters(false);
    await this.running;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** True once the first list is in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if stopped first. */
  waitForSync(): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The resourceVersion the cache reflects. */
  get resourceVersion(): string | undefined {
    return this.watch?.resourceVersion ?? this.lastRv;
  }

  private async run(): Promise<void> {
    let backoff = this.initialBackoff;
    let expiredBefore = false;
    while (!this.stopped) {
      try {
        const list = await this.source.list(this.abort.signal);
        if (this.stopped) return;
        this.replace(list.items);
        this.lastRv = list.metadata.resourceVersion ?? '0';
        this.markSynced();
        backoff = this.initialBackoff;
        expiredBefore = false;
        await this.watchFrom();
      } catch (err) {
        if (this.stopped) return;
        // Expired: the watch cannot resume; list again at once, the diff covers the gap. Twice in
        // a row (the list itself expiring) waits out a backoff like any other failure.
        const expired = err instanceof ApiError && err.code === 410;
        if (expired && !expiredBefore) {
          expiredBefore = true;
          continue;
        }
        this.onError(err);
        await sleep(backoff, this.abort.signal);
        backoff = Math.min(backoff * 2, this.maxBackoff);
      }
    }
  }

  /** Watches until stopped or until the watch fails (thrown). A watch that just ends is reopened. */
  private async watchFrom(): Promise<void> {
    while (!this.stopped) {
      const watch = (this.watch = this.source.watch(this.lastRv!));
      try {
        for await (const event of watch) this.apply(event);
      } finally {
        this.lastRv = watch.resourceVersion ?? this.lastRv;
        this.watch = undefined;
      }
    }
  }

  private apply(event: ApiWatchEvent<T>): void {
    const obj = event.object;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const old = this.cache.set(obj);
        if (old) this.emitUpdate(old, obj);
        else this.emitAdd(obj);
        break;
      }
      case 'DELETED':
        this.cache.remove(cacheKey(obj));
        this.emitDelete(obj, false);
        break;
      default:
        break;
    }
  }

  /** Makes the cache the list: adds, changed objects as updates, missing ones as deletes. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = cacheKey(obj);
      seen.add(key);
      const old = this.cache.set(obj);
      if (!old) this.emitAdd(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emitUpdate(old, obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const gone = this.cache.remove(key)!;
      this.emitDelete(gone, true);
    }
  }

  private emitAdd(obj: T): void {
    for (const handler of this.addHandlers) this.call(() => handler(obj));
  }

  private emitUpdate(old: T, obj: T): void {
    for (const handler of this.updateHandlers) this.call(() => handler(old, obj));
  }

  private emitDelete(obj: T, finalStateUnknown: boolean): void {
    for (const handler of this.deleteHandlers) this.call(() => handler(obj, finalStateUnknown));
  }

  /** One throwing handler must not stop the others or the informer. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    this.settleWaiters(true);
  }

  private settleWaiters(synced: boolean): void {
    for (const resolve of this.syncWaiters.splice(0)) resolve(synced);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
