// Events through the API (client-go's event broadcaster and correlator, simplified). `event()`
// never waits and never throws: it correlates the event (EventCorrelator: aggregation, a spam
// filter per object) and queues it; a sink drains the queue off the caller's path, a few writes
// at a time, paced by a token bucket (`qps`, `burst`), so a burst of thousands of events costs
// the API server a steady trickle instead of a write per event. While an event waits, repeats of
// it are coalesced into it (one write, `count` raised), and a repeat after it was written raises
// `count` on that Event (a patch) instead of writing a new one. At low rates nothing is lost:
// the queue holds `maxQueued` events; past that, under load, new events are dropped, counted,
// and reported in the log once the queue has room again.
import { ApiError } from '../api/errors.js';
import type { ApiObject, Event } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import type { ResourceRef } from '../client/discovery.js';
import { realClock, type Clock } from '../client/informer/clock.js';
import type { EventRecorder } from '../kernel/contracts/controllers.js';
import { EVENT_DEDUP_WINDOW_MS, EventCorrelator } from './events/EventCorrelator.js';
import { TokenBucket } from './events/TokenBucket.js';
import { describeError, stderrLogger, type ControlPlaneLogger } from './logger.js';

export { EVENT_DEDUP_WINDOW_MS } from './events/EventCorrelator.js';

const SERIES_SWEEP_AT = 4096;

export const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };

export interface ApiEventRecorderOptions {
  client: ApiClient;
  /** source.component and reportingComponent, e.g. 'replicaset-controller', 'default-scheduler'. */
  component: string;
  /** source.host. */
  host?: string;
  clock?: Pick<Clock, 'now'>;
  logger?: ControlPlaneLogger;
  /** Writes in flight at once. Default 4. */
  concurrency?: number;
  /** Events waiting beyond this are dropped. Default 1000 (client-go's maxQueuedEvents). */
  maxQueued?: number;
  /** Writes (creates and count patches) a second, on average. Default 50. */
  qps?: number;
  /** Writes allowed at once before `qps` paces them. Default 100. */
  burst?: number;
}

/** What a recorder did with the events it was given. */
export interface EventRecorderStats {
  /** Creates and count patches sent. */
  written: number;
  /** Events folded into one waiting to be written. */
  coalesced: number;
  /** Dropped by the per-object spam filter. */
  filtered: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Writes the API refused or that failed. */
  failed: number;
}

interface Series {
  namespace: string;
  /** The Event's name once written. */
  name?: string;
  count: number;
  first: string;
  lastSeenMs: number;
}

interface Pending {
  key: string;
  regarding: ApiObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  firstAt: number;
  at: number;
  /** Occurrences folded into this write. */
  count: number;
}

export class ApiEventRecorder implements EventRecorder {
  private readonly series = new Map<string, Series>();
  private readonly queue: Pending[] = [];
  /** The waiting (not started) entry of each key, to fold repeats into. */
  private readonly waitingByKey = new Map<string, Pending>();
  /** Keys being written: the next write of a key waits so counts do not race. */
  private readonly busy = new Set<string>();
  private readonly correlator: EventCorrelator;
  private readonly bucket: TokenBucket;
  private inFlight = 0;
  /** Dropped since the queue last had room: reported when it has again. */
  private droppedInBurst = 0;
  private readonly counts: EventRecorderStats = { written: 0, coalesced: 0, filtered: 0, dropped: 0, failed: 0 };
  private readonly idle: (() => void)[] = [];
  /** flush() asked: write what is queued without pacing. */
  private draining = false;
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly logger: ControlPlaneLogger;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private suffix = 0;
  /** Series at which the next sweep runs: doubles when a sweep frees little. */
  private sweepAt = SERIES_SWEEP_AT;

  constructor(private readonly options: ApiEventRecorderOptions) {
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? stderrLogger;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxQueued = Math.max(1, options.maxQueued ?? 1000);
    const qps = options.qps ?? 50;
    this.bucket = new TokenBucket(qps > 0 ? qps : Number.MAX_SAFE_INTEGER, Math.max(1, options.burst ?? 100), Date.now());
    this.correlator = new EventCorrelator(`${options.component}\u0000${options.host ?? ''}`);
  }

  event(regarding: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      const now = this.clock.now();
      const correlated = this.correlator.correlate(regarding, type, reason, message, now);
      if (!correlated) {
        this.counts.filtered++;
        return;
      }
      const waiting = this.waitingByKey.get(correlated.key);
      if (waiting) {
        waiting.count++;
        waiting.at = now;
        waiting.message = correlated.message;
        waiting.regarding = regarding;
        this.counts.coalesced++;
        return;
      }
      if (this.queue.length >= this.maxQueued) {
        if (this.droppedInBurst++ === 0) this.logger.warn(`events of ${this.options.component}: the queue is full (${this.maxQueued} waiting); dropping events until it drains`);
        this.counts.dropped++;
        return;
      }
      const pending: Pending = { key: correlated.key, regarding, type, reason, message: correlated.message, firstAt: now, at: now, count: 1 };
      this.queue.push(pending);
      this.waitingByKey.set(pending.key, pending);
      this.schedulePump();
    } catch (err) {
      this.logger.error(`event ${reason} of ${this.options.component}: ${describeError(err)}`);
    }
  }

  /** Writes everything queued now, without pacing; resolves once written (or failed): tests and shutdown. */
  flush(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    this.draining = true;
    this.pump();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stats(): EventRecorderStats {
    return { ...this.counts };
  }

  /** Writes start on a later turn of the event loop, never on the caller's stack. */
  private schedulePump(): void {
    if (this.pumpScheduled || this.timer) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const index = this.busy.size === 0 ? 0 : this.queue.findIndex((p) => !this.busy.has(p.key));
      if (index < 0) break;
      if (!this.draining && !this.bucket.tryTake(Date.now())) {
        this.wakeIn(this.bucket.msUntilToken(Date.now()));
        break;
      }
      const [next] = this.queue.splice(index, 1);
      this.start(next!);
    }
    this.reportDrops();
  }

  private start(p: Pending): void {
    if (this.waitingByKey.get(p.key) === p) this.waitingByKey.delete(p.key);
    this.inFlight++;
    this.busy.add(p.key);
    void this.write(p).finally(() => {
      this.inFlight--;
      this.busy.delete(p.key);
      this.pump();
      if (this.queue.length === 0 && this.inFlight === 0) {
        this.draining = false;
        for (const resolve of this.idle.splice(0)) resolve();
      }
    });
  }

  private wakeIn(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, ms));
    this.timer.unref();
  }

  private reportDrops(): void {
    if (this.droppedInBurst === 0 || this.queue.length >= this.maxQueued) return;
    this.logger.warn(`events of ${this.options.component}: ${this.droppedInBurst} events were dropped while the queue was full`);
    this.droppedInBurst = 0;
  }

  private async write(p: Pending): Promise<void> {
    const now = new Date(p.at).toISOString();
    const known = this.series.get(p.key);
    this.counts.written++;
    try {
      if (known?.name && p.firstAt - known.lastSeenMs <= EVENT_DEDUP_WINDOW_MS) {
        known.count += p.count;
        known.lastSeenMs = p.at;
        try {
          await this.options.client.patch(EVENTS, known.name, { count: known.count, lastTimestamp: now, message: p.message }, 'merge', { namespace: known.namespace });
          return;
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
          // Deleted meanwhile (TTL, a person): start a new series.
        }
      }
      this.sweep(p.at);
      const namespace = p.regarding.metadata?.namespace || 'default';
      const series: Series = { namespace, count: p.count, first: new Date(p.firstAt).toISOString(), lastSeenMs: p.at };
      const created = await this.options.client.create<Event>(EVENTS, this.build(p, series, now), { namespace });
      series.name = created.metadata.name;
      this.series.set(p.key, series);
    } catch (err) {
      this.counts.failed++;
      this.logger.warn(`could not write event ${p.reason} about ${p.regarding.kind ?? 'object'} ${p.regarding.metadata?.name ?? ''}: ${describeError(err)}`);
    }
  }

  private build(p: Pending, series: Series, now: string): Event {
    const meta = p.regarding.metadata ?? {};
    const name = `${meta.name ?? 'object'}.${(p.firstAt * 1000 + (this.suffix++ % 1000)).toString(16)}`;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: series.namespace },
      involvedObject: {
        apiVersion: p.regarding.apiVersion,
        kind: p.regarding.kind,
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      reason: p.reason,
      message: p.message,
      type: p.type,
      source: { component: this.options.component, ...(this.options.host ? { host: this.options.host } : {}) },
      reportingComponent: this.options.component,
      firstTimestamp: series.first,
      lastTimestamp: now,
      count: series.count,
    };
  }

  /** Forgets series whose window passed, so the map does not grow for ever. */
  private sweep(now: number): void {
    if (this.series.size < this.sweepAt) return;
    for (const [key, s] of this.series) if (now - s.lastSeenMs > EVENT_DEDUP_WINDOW_MS) this.series.delete(key);
    this.sweepAt = Math.max(SERIES_SWEEP_AT, 2 * this.series.size);
  }
}
