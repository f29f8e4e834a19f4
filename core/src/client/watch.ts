// A watch as an async iterable of events. It reads the server's stream of `{"type","object"}`
// lines and, when the server ends the stream (its watch timeout) or the connection drops, opens
// a new one from the last resourceVersion it saw, so the caller sees no gap and no duplicate.
// An ERROR event is retried the same way, with backoff (the server sends 503 "watch again from
// revision N" while its store is away), as client-go's RetryWatcher does; only a resourceVersion
// too old to resume from ends the iteration, with the 410 ApiError: list again.
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { ApiError } from '../api/errors.js';
import type { ApiObject, Status } from '../api/types.js';

export type ApiWatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ApiWatchEvent<T extends ApiObject = ApiObject> {
  type: ApiWatchEventType;
  object: T;
}

export interface ApiWatchOptions {
  /** Start after this resourceVersion; leave out for "now" (the server sends ADDED for each existing object first). */
  resourceVersion?: string;
  /** Ask the server for BOOKMARK events, which move the resume point on quiet watches. */
  allowWatchBookmarks?: boolean;
  /**
   * Open a new stream when the server ends one. Default: true when `resourceVersion` is given (and
   * not "0"). Without one the server first sends the existing objects as ADDED, in key order, so
   * there is no resourceVersion to resume from: list first and watch from the list's, as informers do.
   */
  reconnect?: boolean;
  /** The server-side timeout of one stream, in seconds. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** Opens one stream from a resourceVersion; the client supplies it. */
export type OpenWatch = (resourceVersion: string | undefined, signal: AbortSignal) => Promise<IncomingMessage>;

const MAX_QUEUED = 256;
const INITIAL_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/** Answers worth another try: the server or its store unavailable, overloaded, or timed out. */
function retriable(code: number): boolean {
  return code >= 500 || code === 429 || code === 408;
}

/** The wait a Status asks for (Retry-After), in ms. */
function retryAfterMs(status: Status): number {
  return (status.details?.retryAfterSeconds ?? 0) * 1000;
}

export class ApiWatch<T extends ApiObject = ApiObject> implements AsyncIterable<ApiWatchEvent<T>> {
  private readonly abort = new AbortController();
  private readonly queue: ApiWatchEvent<T>[] = [];
  private waiting?: { resolve: (r: IteratorResult<ApiWatchEvent<T>>) => void; reject: (e: unknown) => void };
  private failure?: unknown;
  private ended = false;
  private current?: IncomingMessage;
  private lastRv: string | undefined;
  private started = false;
  private readonly reconnect: boolean;

  constructor(
    private readonly open: OpenWatch,
    options: ApiWatchOptions = {},
  ) {
    this.lastRv = options.resourceVersion;
    this.reconnect = options.reconnect ?? (options.resourceVersion !== undefined && options.resourceVersion !== '0');
    options.signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** The resourceVersion of the last event delivered: where a new watch would resume. */
  get resourceVersion(): string | undefined {
    return this.lastRv;
  }

  /** Ends the watch: the connection is closed and the iteration finishes. Safe to call twice. */
  stop(): void {
    if (this.ended) return;
    this.abort.abort();
    this.current?.destroy();
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<ApiWatchEvent<T>> {
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return {
      next: () => this.next(),
      return: async () => {
        this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  private next(): Promise<IteratorResult<ApiWatchEvent<T>>> {
    const event = this.queue.shift();
    if (event) {
      if (this.queue.length < MAX_QUEUED / 2) this.current?.resume();
      return Promise.resolve({ done: false, value: event });
    }
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private deliver(event: ApiWatchEvent<T>): void {
    if (this.ended) return;
    const rv = event.object?.metadata?.resourceVersion;
    if (rv) this.lastRv = rv;
    if (event.type === 'BOOKMARK') return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ done: false, value: event });
      return;
    }
    this.queue.push(event);
    // Back-pressure: stop reading the socket until the consumer catches up.
    if (this.queue.length >= MAX_QUEUED) this.current?.pause();
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    } else {
      this.failure = error;
    }
    this.ended = true;
    this.abort.abort();
  }

  private finish(): void {
    this.ended = true;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ done: true, value: undefined });
    }
  }

  private async run(): Promise<void> {
    let backoff = INITIAL_BACKOFF_MS;
    const retry = async (delayMs = 0): Promise<void> => {
      await sleep(Math.max(backoff, delayMs), this.abort.signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
    while (!this.ended) {
      let res: IncomingMessage;
      try {
        res = await this.open(this.lastRv, this.abort.signal);
      } catch (err) {
        if (this.ended) return;
        // A dropped connection, or a server (or its store) briefly unable to serve, is retried;
        // any other answer (410, 403, a bad selector) is final.
        if (!this.reconnect || (err instanceof ApiError && !retriable(err.code))) return this.fail(err);
        await retry(err instanceof ApiError ? retryAfterMs(err.status) : 0);
        continue;
      }
      this.current = res;
      const status = await this.consume(res);
      this.current = undefined;
      if (this.ended) return;
      if (status) {
        if (!this.reconnect || status.code === 410) return this.fail(ApiError.fromStatus(status));
        await retry(retryAfterMs(status));
        continue;
      }
      if (!this.reconnect) return this.finish();
      backoff = INITIAL_BACKOFF_MS;
    }
  }

  /** Reads one stream to its end; returns the Status of an ERROR event, which ends the watch. */
  private consume(res: IncomingMessage): Promise<Status | undefined> {
    return new Promise((resolve) => {
      const decoder = new StringDecoder('utf8');
      let buffered = '';
      let done = false;
      const end = (status?: Status): void => {
        if (done) return;
        done = true;
        resolve(status);
      };
      res.on('data', (chunk: Buffer) => {
        buffered += decoder.write(chunk);
        // Cut the lines out by index and trim the buffer once: a chunk may hold many events.
        let start = 0;
        let nl: number;
        while (!done && (nl = buffered.indexOf('\n', start)) >= 0) {
          const line = buffered.slice(start, nl).trim();
          start = nl + 1;
          if (!line) continue;
          let event: { type?: string; object?: unknown };
          try {
            event = JSON.parse(line);
          } catch {
            continue;
          }
          if (event.type === 'ERROR') {
            res.destroy();
            return end(event.object as Status);
          }
          this.deliver(event as ApiWatchEvent<T>);
        }
        buffered = buffered.slice(start);
      });
      res.once('end', () => end());
      res.once('close', () => end());
      res.once('error', () => end());
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
