// The namespace finalizer: a namespace being deleted is emptied (every object in it deleted,
// as a client would), then its `kubernetes` finalizer is removed, which deletes it. Objects that
// wait (finalizers, a bound pod's grace period) make it try again later, with backoff.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { ResourceIndex, ServedResource } from '../resources.js';
import { findObject, isCode, type Storage } from '../storage/context.js';
import { NAMESPACE_FINALIZER } from '../storage/create.js';
import { deleteObject } from '../storage/delete.js';
import { updateObject } from '../storage/update.js';
import type { ServerLogger } from '../types.js';

const FIRST_RETRY_MS = 200;

export class NamespaceFinalizer {
  /** Namespaces waiting for a sync, and the delay before their next one. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly attempts = new Map<string, number>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly storage: Storage,
    private readonly index: ResourceIndex,
    private readonly namespaces: ServedResource,
    private readonly logger: ServerLogger,
    private readonly maxRetryMs: number,
  ) {}

  /** A namespace changed: sync it if it is being deleted. */
  observe(ns: ApiObject): void {
    if (ns.metadata.deletionTimestamp !== undefined) this.schedule(ns.metadata.name!, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(name: string, delayMs: number): void {
    if (this.stopped) return;
    if (this.busy.has(name)) {
      this.again.add(name);
      return;
    }
    if (this.timers.has(name)) return;
    this.timers.set(name, setTimeout(() => this.run(name), delayMs));
  }

  private run(name: string): void {
    this.timers.delete(name);
    this.busy.add(name);
    const work = this.sync(name)
      .then((done) => {
        if (done) this.attempts.delete(name);
        return done;
      })
      .catch((err: unknown) => {
        this.logger.warn(`namespace ${name}: finalizing failed, will retry: ${(err as Error).message}`);
        return false;
      })
      .then((done) => {
        this.busy.delete(name);
        const rerun = this.again.delete(name);
        if (!done) {
          const attempt = (this.attempts.get(name) ?? 0) + 1;
          this.attempts.set(name, attempt);
          this.schedule(name, Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), this.maxRetryMs));
        } else if (rerun) this.schedule(name, 0);
      });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** One pass; true when there is nothing more to do for `name`. */
  private async sync(name: string): Promise<boolean> {
    const ns = await findObject(this.storage, this.namespaces, undefined, name);
    if (!ns || ns.metadata.deletionTimestamp === undefined) return true;
    let remaining = 0;
    for (const res of this.index.all) {
      if (!res.namespaced || this.stopped) continue;
      remaining += await this.empty(res, name);
    }
    if (remaining > 0 || this.stopped) return false;
    await this.finalize(name);
    return true;
  }

  /** Deletes what is left of `res` in the namespace; returns how many objects remain. */
  private async empty(res: ServedResource, namespace: string): Promise<number> {
    const listed = await this.storage.store.list(res.prefix(namespace));
    let remaining = 0;
    for (const obj of listed.items as ApiObject[]) {
      try {
        const { deleted } = await deleteObject(this.storage, res, namespace, obj.metadata.name!, { propagationPolicy: 'Background', dryRun: false }, { dryRun: false });
        if (!deleted) remaining++;
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'NotFound') continue;
        if (isCode(err, 'NotFound')) continue;
        throw err;
      }
    }
    return remaining;
  }

  /** Removes the namespace loop's finalizer; the update deletes the namespace when none remain. */
  private async finalize(name: string): Promise<void> {
    await updateObject(
      this.storage,
      this.namespaces,
      {
        name,
        subresource: 'finalize',
        admission: 'full',
        transform: (current) => {
          const spec = (current.spec ?? {}) as { finalizers?: string[] };
          const finalizers = (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
          const next: ApiObject = { ...current, metadata: { ...current.metadata }, spec: { ...spec, finalizers } };
          if (finalizers.length === 0) delete (next.spec as { finalizers?: string[] }).finalizers;
          return next;
        },
      },
      { dryRun: false },
    );
  }
}
