// A controller's own creates and deletes that its cache has not shown yet, per controller key.
// Expectations keeps the counts and their time limit; this class remembers which objects they
// are, and settles them by looking at the cache on each sync, so it depends on no event handler:
// a create is seen once the object is in the cache or the cache has passed the revision that
// created it (then it was deleted again); a delete once the object is gone or terminating.
import { cacheKey, Expectations, type ObjectCache } from '@corral/core/client';
import type { ApiObject } from '@corral/core/api';
import type { Clock } from '@corral/core/scheduler';

interface Pending {
  creates: Map<string, string | undefined>;
  deletes: Map<string, string | undefined>;
}

function revision(rv: string | undefined): bigint | undefined {
  return rv !== undefined && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

export class InFlight {
  private readonly expectations: Expectations;
  private readonly pending = new Map<string, Pending>();

  constructor(clock: Pick<Clock, 'now'>, ttlMs?: number) {
    this.expectations = new Expectations(clock, ttlMs);
  }

  private entry(key: string): Pending {
    let entry = this.pending.get(key);
    if (!entry) this.pending.set(key, (entry = { creates: new Map(), deletes: new Map() }));
    return entry;
  }

  /** `obj` was created for `key` (the server's answer, with its name and resourceVersion). */
  created(key: string, obj: ApiObject): void {
    this.entry(key).creates.set(cacheKey(obj), obj.metadata.resourceVersion);
    this.expectations.raise(key, 1, 0);
  }

  /** A delete of `obj` was accepted for `key`. */
  deleted(key: string, obj: ApiObject): void {
    this.entry(key).deletes.set(cacheKey(obj), obj.metadata.uid);
    this.expectations.raise(key, 0, 1);
  }

  /**
   * Settles what `cache` now shows (`cacheRevision`: the revision it reflects) and answers whether
   * nothing is left in flight for `key` (or what is left has expired).
   */
  satisfied(key: string, cache: ObjectCache, cacheRevision: string | undefined): boolean {
    const entry = this.pending.get(key);
    if (entry) {
      const seenUpTo = revision(cacheRevision);
      for (const [objKey, rv] of entry.creates) {
        const created = revision(rv);
        const passed = seenUpTo !== undefined && created !== undefined && seenUpTo >= created;
        if (cache.get(objKey) || passed) {
          entry.creates.delete(objKey);
          this.expectations.creationObserved(key);
        }
      }
      for (const [objKey, uid] of entry.deletes) {
        const current = cache.get(objKey);
        if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) {
          entry.deletes.delete(objKey);
          this.expectations.deletionObserved(key);
        }
      }
    }
    const ok = this.expectations.satisfied(key);
    if (ok && entry) this.forget(key);
    return ok;
  }

  /** What is still expected for `key`. */
  outstanding(key: string): { add: number; del: number } | undefined {
    return this.expectations.pending(key);
  }

  /** The owner is gone: drop its records. */
  forget(key: string): void {
    this.pending.delete(key);
    this.expectations.delete(key);
  }
}
