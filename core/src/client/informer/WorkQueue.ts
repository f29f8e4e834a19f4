// The queue between informer handlers and a controller's workers, with client-go's rules: a key
// waiting is queued once however often it is added; a key being processed is never handed to a
// second worker; one added meanwhile is queued again when the first worker calls done(key).
import { realClock, type Clock } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rateLimiters.js';

export interface WorkQueueOptions {
  clock?: Clock;
  /** Default: defaultControllerRateLimiter(clock). */
  rateLimiter?: RateLimiter;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  /** Keys that need processing: queued, or re-added while processing. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** addAfter's timers: the earliest wins. */
  private readonly waiting = new Map<string, { at: number; handle: unknown }>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private shutting = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
  }

  /** Keys queued (not those being processed or waiting on a delay). */
  get length(): number {
    return this.queue.length;
  }

  get shuttingDown(): boolean {
    return this.shutting;
  }

  add(key: string): void {
    if (this.shutting || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Adds `key` once `ms` have passed; an earlier pending addAfter of the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shutting) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, handle });
  }

  /** Adds `key` after its rate limiter's delay: for retries after a failure. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Ends the key's backoff: call after a successful sync. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key, marked as processing; undefined once shut down and empty. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Processing of `key` ended; re-queues it if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
    this.checkDrained();
  }

  /**
   * Takes no more keys and drops pending delays; keys already queued are still handed out.
   * Resolves when the queue is empty and every key handed out is done.
   */
  shutDown(): Promise<void> {
    this.shutting = true;
    for (const { handle } of this.waiting.values()) this.clock.clearTimeout(handle);
    this.waiting.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.checkDrained();
    });
  }

  private checkDrained(): void {
    if (!this.shutting || this.queue.length > 0 || this.processing.size > 0) return;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
