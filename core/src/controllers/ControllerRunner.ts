// One registered controller at work: its work queue fed by the shared informers' events, its
// expectations, and runController's workers calling reconcile. Handlers only put keys on the
// queue (and record the owned objects they observe in the expectations, as Kubernetes'
// controllers do in theirs); all the work happens in reconcile.
import type { ApiObject } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import type { Clock } from '../client/informer/clock.js';
import { Expectations } from '../client/informer/Expectations.js';
import { cacheKey } from '../client/informer/ObjectCache.js';
import { controllerRefOf } from '../client/informer/ownerRefs.js';
import { runController } from '../client/informer/runController.js';
import { WorkQueue } from '../client/informer/WorkQueue.js';
import type { ControllerRegistration, EventRecorder, KindRef, ReconcileContext } from '../kernel/contracts/controllers.js';
import { describeError, type ControlPlaneLogger } from './logger.js';
import type { SharedInformerSet } from './SharedInformerSet.js';

export interface ControllerRunnerDeps {
  client: ApiClient;
  informers: SharedInformerSet;
  events: EventRecorder;
  clock: Clock;
  logger: ControlPlaneLogger;
  /** Aborted when the controllers stop (leadership lost, shutdown). */
  signal: AbortSignal;
}

/** The group of an apiVersion ('' for v1). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export class ControllerRunner {
  readonly queue: WorkQueue;
  readonly expectations: Expectations;
  private readonly removers: (() => void)[] = [];
  /** Owned objects whose deletion (deletionTimestamp) was already counted. */
  private readonly deleting = new Set<string>();
  private readonly forNamespaced: boolean;
  private resyncTimer: unknown;
  private workers: Promise<void> | undefined;

  constructor(
    readonly registration: ControllerRegistration,
    private readonly deps: ControllerRunnerDeps,
  ) {
    this.queue = new WorkQueue({ clock: deps.clock });
    this.expectations = new Expectations(deps.clock);
    this.forNamespaced = deps.informers.resource(registration.for).namespaced;
  }

  /** Every kind this controller reads events of. */
  kinds(): KindRef[] {
    const r = this.registration;
    return [r.for, ...(r.owns ?? []), ...(r.watches ?? []).map((w) => w.kind)];
  }

  /** Subscribes to the informers; cached objects are queued at once (workers start later). */
  attach(): void {
    const { informers } = this.deps;
    const r = this.registration;
    const primary = informers.informer(r.for);
    this.removers.push(
      primary.onAdd((obj) => this.add(cacheKey(obj))),
      primary.onUpdate((_old, obj) => this.add(cacheKey(obj))),
      primary.onDelete((obj) => {
        const key = cacheKey(obj);
        this.expectations.delete(key);
        this.add(key);
      }),
    );
    for (const kind of r.owns ?? []) {
      const owned = informers.informer(kind);
      this.removers.push(
        owned.onAdd((obj) => {
          const key = this.ownerKey(obj);
          if (key === undefined) return;
          this.expectations.creationObserved(key);
          if (obj.metadata.deletionTimestamp) this.observeDeleting(obj, key);
          this.add(key);
        }),
        owned.onUpdate((old, obj) => {
          const oldKey = this.ownerKey(old);
          const key = this.ownerKey(obj);
          if (key !== undefined && obj.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.observeDeleting(obj, key);
          if (oldKey !== undefined && oldKey !== key) this.add(oldKey);
          if (key !== undefined) this.add(key);
        }),
        owned.onDelete((obj) => {
          const key = this.ownerKey(obj);
          const uid = obj.metadata.uid ?? cacheKey(obj);
          const counted = this.deleting.delete(uid);
          if (key === undefined) return;
          if (!counted) this.expectations.deletionObserved(key);
          this.add(key);
        }),
      );
    }
    for (const watch of r.watches ?? []) {
      const watched = informers.informer(watch.kind);
      const map = (obj: ApiObject): void => {
        let keys: readonly string[];
        try {
          keys = watch.keys(obj, informers);
        } catch (err) {
          this.deps.logger.error(`controller ${r.name}: mapping ${watch.kind.kind} ${cacheKey(obj)} to keys failed: ${describeError(err)}`);
          return;
        }
        for (const key of keys) this.add(key);
      };
      this.removers.push(
        watched.onAdd(map),
        watched.onUpdate((old, obj) => {
          map(old);
          map(obj);
        }),
        watched.onDelete(map),
      );
    }
  }

  /** Starts the workers and the resync timer. */
  run(): void {
    const r = this.registration;
    if (r.resyncMs && r.resyncMs > 0) this.armResync(r.resyncMs);
    const ctx: ReconcileContext = {
      signal: this.deps.signal,
      client: this.deps.client,
      informers: this.deps.informers,
      events: this.deps.events,
      expectations: this.expectations,
      clock: this.deps.clock,
      enqueue: (key, afterMs) => (afterMs && afterMs > 0 ? this.queue.addAfter(key, afterMs) : this.add(key)),
    };
    this.workers = runController({
      name: r.name,
      queue: this.queue,
      workers: r.workers ?? 1,
      sync: async (key) => {
        // Keys still queued at shutdown are handed out once more: do not act on them.
        if (this.deps.signal.aborted) return;
        const result = await r.reconcile(key, ctx);
        return result && result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : undefined;
      },
      onError: (key, err) => {
        if (this.deps.signal.aborted) return;
        this.deps.logger.warn(`controller ${r.name}: reconciling "${key}" failed; will retry: ${describeError(err)}`);
      },
    });
  }

  /** Unsubscribes, stops the queue and waits for reconcile calls in flight to return. */
  async stop(): Promise<void> {
    for (const remove of this.removers.splice(0)) remove();
    if (this.resyncTimer !== undefined) this.deps.clock.clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    const drained = this.queue.shutDown();
    // Without workers (stopped before the caches synced) nobody would drain the queue.
    if (this.workers) {
      await drained;
      await this.workers;
    }
  }

  private add(key: string): void {
    this.queue.add(key);
  }

  /** The key of `obj`'s controlling owner when that owner is of this controller's kind. */
  private ownerKey(obj: ApiObject): string | undefined {
    const ref = controllerRefOf(obj);
    const kind = this.registration.for;
    if (!ref || ref.kind !== kind.kind || groupOf(ref.apiVersion) !== groupOf(kind.apiVersion)) return undefined;
    return this.forNamespaced ? `${obj.metadata.namespace ?? ''}/${ref.name}` : ref.name;
  }

  private observeDeleting(obj: ApiObject, key: string): void {
    const uid = obj.metadata.uid ?? cacheKey(obj);
    if (this.deleting.has(uid)) return;
    this.deleting.add(uid);
    this.expectations.deletionObserved(key);
  }

  private armResync(ms: number): void {
    this.resyncTimer = this.deps.clock.setTimeout(() => {
      if (this.deps.signal.aborted) return;
      for (const key of this.deps.informers.informer(this.registration.for).cache.keys()) this.add(key);
      this.armResync(ms);
    }, ms);
  }
}
