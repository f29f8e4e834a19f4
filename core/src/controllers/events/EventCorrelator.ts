// What happens to an Event before it is queued, after client-go's EventCorrelator:
// - aggregation: once one source has said more than AGGREGATE_DISTINCT_MESSAGES different things
//   with the same type and reason about one object within the window, the rest become one Event,
//   "(combined from similar events): <latest message>", counted;
// - a spam filter per (source, object): a token bucket of SPAM_BURST events refilled with one
//   every SPAM_REFILL_MS, so a hot loop about one object cannot flood the store.
// The key it returns names the series an Event counts on (dedup by the sink).
import type { ApiObject } from '../../api/types.js';
import { TokenBucket } from './TokenBucket.js';

/** A repeat within this window is counted on the same Event. */
export const EVENT_DEDUP_WINDOW_MS = 10 * 60 * 1000;
export const AGGREGATE_DISTINCT_MESSAGES = 10;
export const COMBINED_PREFIX = '(combined from similar events): ';
export const SPAM_BURST = 25;
export const SPAM_REFILL_MS = 5 * 60 * 1000;
/** Past this many tracked objects, state older than the window is swept. */
const SWEEP_AT = 4096;

export interface Correlated {
  /** The series the Event counts on. */
  key: string;
  /** The message to write (the aggregate's, once combined). */
  message: string;
}

interface Similar {
  messages: Set<string>;
  lastMs: number;
}

export class EventCorrelator {
  private readonly similar = new Map<string, Similar>();
  private readonly spam = new Map<string, TokenBucket>();
  /** Tracked entries at which the next sweep runs: doubles when a sweep frees little. */
  private sweepAt = SWEEP_AT;

  /** `source`: component and host, the part of every key the recorder shares. */
  constructor(private readonly source: string) {}

  /** The series key and message of an event, or undefined when the spam filter drops it. */
  correlate(regarding: ApiObject, type: string, reason: string, message: string, now: number): Correlated | undefined {
    const meta = regarding.metadata ?? {};
    const object = [this.source, regarding.apiVersion ?? '', regarding.kind ?? '', meta.namespace ?? '', meta.name ?? '', meta.uid ?? ''].join('\u0000');
    if (!this.allowed(object, now)) return undefined;
    const aggregate = `${object}\u0000${type}\u0000${reason}`;
    let record = this.similar.get(aggregate);
    if (!record || now - record.lastMs > EVENT_DEDUP_WINDOW_MS) {
      if (this.similar.size >= this.sweepAt) this.sweep(now);
      this.similar.set(aggregate, (record = { messages: new Set(), lastMs: now }));
    }
    record.lastMs = now;
    if (record.messages.has(message) || record.messages.size < AGGREGATE_DISTINCT_MESSAGES) {
      record.messages.add(message);
      return { key: `${aggregate}\u0000${message}`, message };
    }
    return { key: aggregate, message: `${COMBINED_PREFIX}${message}` };
  }

  private allowed(object: string, now: number): boolean {
    let bucket = this.spam.get(object);
    if (!bucket) {
      if (this.spam.size >= this.sweepAt) this.sweep(now);
      this.spam.set(object, (bucket = new TokenBucket(1000 / SPAM_REFILL_MS, SPAM_BURST, now)));
    }
    return bucket.tryTake(now);
  }

  /** Forgets what no longer changes an answer: old message sets, full buckets. */
  private sweep(now: number): void {
    for (const [key, record] of this.similar) if (now - record.lastMs > EVENT_DEDUP_WINDOW_MS) this.similar.delete(key);
    for (const [key, bucket] of this.spam) if (bucket.full(now)) this.spam.delete(key);
    this.sweepAt = Math.max(SWEEP_AT, 2 * Math.max(this.similar.size, this.spam.size));
  }
}
