// What the API server's thread does while the paced run is on: event-loop delay, garbage
// collection pauses by kind, and (when tracing) when each benchmark call reached the server,
// entered and left the store, and was answered. The server runs in the benchmark's main thread,
// so all of this is watched from outside it: node's diagnostics channels for HTTP, a wrapper
// around the store object's methods, perf_hooks for the loop and GC.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Store } from '@corral/core';
import { round } from '../stats.js';

/** The header naming a benchmark call, so the server's side of it can be found. */
export const CALL_HEADER = 'x-bench-call';

/** Milliseconds since the epoch with sub-millisecond resolution: comparable across threads. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface StoreSpan {
  op: string;
  start: number;
  end: number;
}

export interface ServerSide {
  /** The request's headers were read. */
  in: number;
  /** The answer was handed to the socket. */
  out?: number;
  store: StoreSpan[];
}

interface GcTotals {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface ServerBreakdown {
  /**
   * How much of the window the server's loop was busy (0..1). Near 1 means saturated: requests
   * then wait in their sockets though each timer still fires nearly on time (a low loop delay).
   */
  eventLoopUtilization: number;
  /** The loop's busy time in the window (ms): divided by the calls, the server's CPU per call. */
  busyMs: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Pauses by kind: minor (scavenge), major (mark-compact), incremental (marking steps), weakcb. */
  gc: Record<string, GcTotals>;
  /** The longest pauses, with when they started (ms into the window). */
  longestGcMs: Array<{ kind: string; ms: number; atMs: number }>;
  heapUsedMb: { before: number; after: number };
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const TRACED_OPS = ['get', 'create', 'update', 'delete'] as const;

/** The last path segment of a store key: the object's name. */
const nameOfKey = (key: string) => key.slice(key.lastIndexOf('/') + 1);

export class ServerProbe {
  private readonly loop = monitorEventLoopDelay({ resolution: 1 });
  private readonly gcEntries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => this.gcEntries.push(...list.getEntries()));
  /** Server-side timings of traced calls, by `<method> <name>` (a pod is created, then patched). */
  readonly calls = new Map<string, ServerSide>();
  /** The latest call naming each object: where its store operations go. */
  private readonly current = new Map<string, ServerSide>();
  private readonly restore: Array<() => void> = [];
  private readonly elu = performance.eventLoopUtilization();
  private startedAt = 0;
  private heapBefore = 0;
  private summary: ServerBreakdown | undefined;

  /** Starts watching; with `traceStore`, each named call's store operations are timed too. */
  constructor(traceStore?: Store) {
    this.startedAt = performance.now();
    this.heapBefore = process.memoryUsage().heapUsed;
    this.loop.enable();
    this.observer.observe({ entryTypes: ['gc'] });
    if (traceStore) this.trace(traceStore);
  }

  private trace(store: Store): void {
    const onStart = (msg: unknown) => {
      const req = (msg as { request: IncomingMessage }).request;
      const name = req.headers[CALL_HEADER];
      if (typeof name !== 'string') return;
      const side: ServerSide = { in: epochMs(), store: [] };
      this.calls.set(`${req.method} ${name}`, side);
      this.current.set(name, side);
    };
    const onFinish = (msg: unknown) => {
      const req = (msg as { request: IncomingMessage }).request;
      const name = req.headers[CALL_HEADER];
      const call = typeof name === 'string' ? this.calls.get(`${req.method} ${name}`) : undefined;
      if (call) call.out = epochMs();
    };
    subscribe('http.server.request.start', onStart);
    subscribe('http.server.response.finish', onFinish);
    this.restore.push(() => {
      unsubscribe('http.server.request.start', onStart);
      unsubscribe('http.server.response.finish', onFinish);
    });
    // The server calls the store through this object: timing its methods times every call.
    const target = store as unknown as Record<string, (key: string, ...rest: unknown[]) => Promise<unknown>>;
    for (const op of TRACED_OPS) {
      const original = target[op]!;
      target[op] = async (key: string, ...rest: unknown[]) => {
        const start = epochMs();
        try {
          return await original.call(store, key, ...rest);
        } finally {
          this.current.get(nameOfKey(key))?.store.push({ op, start, end: epochMs() });
        }
      };
      this.restore.push(() => delete target[op]);
    }
  }

  /** Stops watching and sums up; again, the same sums. */
  stop(): ServerBreakdown {
    this.summary ??= this.sum();
    return this.summary;
  }

  private sum(): ServerBreakdown {
    this.loop.disable();
    this.gcEntries.push(...this.observer.takeRecords());
    this.observer.disconnect();
    for (const undo of this.restore.splice(0)) undo();
    const ms = (ns: number) => round(ns / 1e6, 2);
    const gc: Record<string, GcTotals> = {};
    const pauses: Array<{ kind: string; ms: number; atMs: number }> = [];
    for (const e of this.gcEntries) {
      const kind = GC_KINDS[((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? 0] ?? 'other';
      const t = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      t.count++;
      t.totalMs += e.duration;
      t.maxMs = Math.max(t.maxMs, e.duration);
      pauses.push({ kind, ms: round(e.duration, 2), atMs: Math.round(e.startTime - this.startedAt) });
    }
    for (const t of Object.values(gc)) {
      t.totalMs = round(t.totalMs, 1);
      t.maxMs = round(t.maxMs, 2);
    }
    const elu = performance.eventLoopUtilization(this.elu);
    return {
      eventLoopUtilization: round(elu.utilization, 3),
      busyMs: Math.round(elu.active),
      eventLoopDelayMs: { p50: ms(this.loop.percentile(50)), p99: ms(this.loop.percentile(99)), max: ms(this.loop.max) },
      gc,
      longestGcMs: pauses.sort((a, b) => b.ms - a.ms).slice(0, 5),
      heapUsedMb: { before: round(this.heapBefore / 2 ** 20, 1), after: round(process.memoryUsage().heapUsed / 2 ** 20, 1) },
    };
  }
}
