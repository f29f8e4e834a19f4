// A controller's creates and deletes in flight, per controller key. The informer's cache lags
// the controller's own writes; until it has seen them, a sync would count too few (or too many)
// objects and act twice. sync() acts only when satisfied(key); the informer handlers record what
// they observe. A record older than the TTL counts as satisfied, so a lost event cannot wedge a
// controller for good.
import { realClock, type Clock } from './clock.js';

export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expected {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly records = new Map<string, Expected>();

  constructor(
    private readonly clock: Pick<Clock, 'now'> = realClock,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  /** Sets (replaces) the creations expected for `key`. */
  expectCreations(key: string, count: number): void {
    this.records.set(key, { add: count, del: 0, at: this.clock.now() });
  }

  /** Sets (replaces) the deletions expected for `key`. */
  expectDeletions(key: string, count: number): void {
    this.records.set(key, { add: 0, del: count, at: this.clock.now() });
  }

  /** Adds to what is expected; keeps the record's start time. */
  raise(key: string, add: number, del: number): void {
    const record = this.records.get(key);
    if (record) {
      record.add += add;
      record.del += del;
    } else {
      this.records.set(key, { add, del, at: this.clock.now() });
    }
  }

  /** The informer saw one of `key`'s creations (or the create failed and will not be seen). */
  creationObserved(key: string): void {
    const record = this.records.get(key);
    if (record) record.add--;
  }

  deletionObserved(key: string): void {
    const record = this.records.get(key);
    if (record) record.del--;
  }

  /** True when nothing is in flight for `key`, nothing was recorded, or the record expired. */
  satisfied(key: string): boolean {
    const record = this.records.get(key);
    if (!record) return true;
    if (record.add <= 0 && record.del <= 0) return true;
    return this.clock.now() - record.at > this.ttlMs;
  }

  /** What is still expected, or undefined. */
  pending(key: string): { add: number; del: number } | undefined {
    const record = this.records.get(key);
    return record ? { add: record.add, del: record.del } : undefined;
  }

  /** Forget `key` (its object was deleted). */
  delete(key: string): void {
    this.records.delete(key);
  }
}
