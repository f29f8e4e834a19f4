// Events through the API (client-go's event broadcaster, simplified): `event()` only queues, a
// few writers drain the queue, and a repeat of the same (object, type, reason, message) within
// ten minutes raises `count` on the Event already written instead of writing a new one. When the
// API is slow the queue is bounded and further events are dropped: events are informational
// and must never hold up a reconcile or a scheduling cycle.
import { ApiError } from '../api/errors.js';
import type { ApiObject, Event } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import type { ResourceRef } from '../client/discovery.js';
import { realClock, type Clock } from '../client/informer/clock.js';
import type { EventRecorder } from '../kernel/contracts/controllers.js';
import { describeError, stderrLogger, type ControlPlaneLogger } from './logger.js';

export const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };

/** A repeat within this window is counted on the same Event. */
export const EVENT_DEDUP_WINDOW_MS = 10 * 60 * 1000;

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
  /** Events waiting beyond this are dropped. Default 1000. */
  maxQueued?: number;
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
  at: number;
}

export class ApiEventRecorder implements EventRecorder {
  private readonly series = new Map<string, Series>();
  private readonly queue: Pending[] = [];
  /** Keys being written: a second event of one key waits so counts do not race. */
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private dropped = 0;
  private readonly idle: (() => void)[] = [];
  private readonly clock: Pick<Clock, 'now'>;
  private readonly logger: ControlPlaneLogger;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private suffix = 0;

  constructor(private readonly options: ApiEventRecorderOptions) {
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? stderrLogger;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxQueued = options.maxQueued ?? 1000;
  }

  event(regarding: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      if (this.queue.length >= this.maxQueued) {
        if (this.dropped++ === 0) this.logger.warn(`events of ${this.options.component}: the queue is full (${this.maxQueued}); dropping events until it drains`);
        return;
      }
      const meta = regarding.metadata ?? {};
      const key = [regarding.kind, meta.namespace ?? '', meta.name ?? '', meta.uid ?? '', type, reason, message].join('\u0000');
      this.queue.push({ key, regarding, type, reason, message, at: this.clock.now() });
      this.pump();
    } catch (err) {
      this.logger.error(`event ${reason} of ${this.options.component}: ${describeError(err)}`);
    }
  }

  /** Resolves once every queued event is written (or failed): tests and shutdown. */
  flush(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.concurrency) {
      const index = this.queue.findIndex((p) => !this.busy.has(p.key));
      if (index < 0) break;
      const [next] = this.queue.splice(index, 1);
      this.inFlight++;
      this.busy.add(next!.key);
      void this.write(next!).finally(() => {
        this.inFlight--;
        this.busy.delete(next!.key);
        if (this.queue.length < this.maxQueued) this.dropped = 0;
        this.pump();
        if (this.queue.length === 0 && this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
  }

  private async write(p: Pending): Promise<void> {
    const now = new Date(p.at).toISOString();
    const known = this.series.get(p.key);
    try {
      if (known?.name && p.at - known.lastSeenMs <= EVENT_DEDUP_WINDOW_MS) {
        known.count++;
        known.lastSeenMs = p.at;
        try {
          await this.options.client.patch(EVENTS, known.name, { count: known.count, lastTimestamp: now }, 'merge', { namespace: known.namespace });
          return;
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
          // Deleted meanwhile (TTL, a person): start a new series.
        }
      }
      this.sweep(p.at);
      const namespace = p.regarding.metadata?.namespace || 'default';
      const series: Series = { namespace, count: 1, first: now, lastSeenMs: p.at };
      const created = await this.options.client.create<Event>(EVENTS, this.build(p, series, now), { namespace });
      series.name = created.metadata.name;
      this.series.set(p.key, series);
    } catch (err) {
      this.logger.warn(`could not write event ${p.reason} about ${p.regarding.kind ?? 'object'} ${p.regarding.metadata?.name ?? ''}: ${describeError(err)}`);
    }
  }

  private build(p: Pending, series: Series, now: string): Event {
    const meta = p.regarding.metadata ?? {};
    const name = `${meta.name ?? 'object'}.${(p.at * 1000 + (this.suffix++ % 1000)).toString(16)}`;
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
    if (this.series.size < 4096) return;
    for (const [key, s] of this.series) if (now - s.lastSeenMs > EVENT_DEDUP_WINDOW_MS) this.series.delete(key);
  }
}
