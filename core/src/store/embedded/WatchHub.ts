import { decodeObject, withLazyPrevObject } from '../codec.js';
import { compacted, StoreError } from '../errors.js';
import type { StoredObjectLike, Watch, WatchEvent } from '../types.js';
import type { Mvcc, Version } from './Mvcc.js';

// Watches of the embedded store are cursors into the MVCC log: they hold no copies of events,
// a slow consumer simply reads further behind, and a change is seen only once it is applied
// (that is, durable). The backlog limit ends a watch whose consumer stopped reading.

/** What the hub needs of a watch, whatever its object type. */
interface HubMember {
  onCommit(from: number, to: number): void;
  fail(err: StoreError): void;
  stop(): void;
}

type Waiter<T> = { resolve: (r: IteratorResult<WatchEvent<T>>) => void; reject: (e: unknown) => void };

export class EmbeddedWatch<T extends StoredObjectLike> implements Watch<T>, AsyncIterator<WatchEvent<T>>, HubMember {
  /** The next revision to look at. */
  private cursor: number;
  /** Matching changes committed since the watch began and not yet delivered. */
  private backlog = 0;
  private waiter: Waiter<T> | undefined;
  private error: StoreError | undefined;
  private ended = false;

  constructor(
    private readonly hub: WatchHub,
    private readonly mvcc: Mvcc,
    readonly prefix: string,
    afterRevision: number,
    private readonly maxBacklog: number,
  ) {
    this.cursor = afterRevision + 1;
  }

  /** Called after changes `from..to` were applied. */
  onCommit(from: number, to: number): void {
    if (this.ended || this.error) return;
    for (let rev = Math.max(from, this.cursor); rev <= to; rev++) {
      if (this.mvcc.changeAt(rev)!.key.startsWith(this.prefix)) this.backlog++;
    }
    if (this.waiter) {
      const w = this.waiter;
      let event: WatchEvent<T> | undefined;
      try {
        event = this.scan();
      } catch (err) {
        this.waiter = undefined;
        this.end();
        w.reject(err);
        return;
      }
      if (event) {
        this.waiter = undefined;
        w.resolve({ value: event, done: false });
      }
    } else if (this.backlog > this.maxBacklog) {
      this.fail(
        new StoreError(
          'WatchOverflow',
          `watch on "${this.prefix}": the consumer fell more than ${this.maxBacklog} events behind; watch again from the last revision it received (${this.cursor - 1} or later)`,
          { key: this.prefix, revision: this.cursor - 1 },
        ),
      );
    }
  }

  fail(err: StoreError): void {
    if (this.ended || this.error) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.end();
      w.reject(err);
    } else {
      this.error = err;
      this.hub.remove(this);
    }
  }

  stop(): void {
    if (this.ended) return;
    this.end();
    this.error = undefined;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<WatchEvent<T>>> {
    if (this.error) {
      const err = this.error;
      this.error = undefined;
      this.end();
      return Promise.reject(err);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new Error('watch: next() called again before the previous call settled'));
    let event: WatchEvent<T> | undefined;
    try {
      event = this.scan();
    } catch (err) {
      this.end();
      return Promise.reject(err);
    }
    if (event) return Promise.resolve({ value: event, done: false });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<WatchEvent<T>>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    return this;
  }

  private end(): void {
    this.ended = true;
    this.hub.remove(this);
  }

  /** The next matching change at or after the cursor, if one is applied. */
  private scan(): WatchEvent<T> | undefined {
    if (this.cursor < this.mvcc.firstLogRevision) {
      throw compacted(`watch on "${this.prefix}"`, this.cursor - 1, this.mvcc.compactRevision);
    }
    const head = this.mvcc.revision;
    while (this.cursor <= head) {
      const v = this.mvcc.changeAt(this.cursor++)!;
      if (v.key.startsWith(this.prefix)) {
        if (this.backlog > 0) this.backlog--;
        return toEvent<T>(v);
      }
    }
    return undefined;
  }
}

export function toEvent<T extends StoredObjectLike>(v: Version): WatchEvent<T> {
  const prev = v.prev && v.prev.data !== null ? v.prev : undefined;
  if (v.data === null) {
    // Kubernetes' shape: a deletion carries the last value, stamped with the deletion's revision.
    const last = prev?.data ?? '{}';
    const event: WatchEvent<T> = { type: 'DELETED', key: v.key, object: decodeObject<T>(v.key, last, v.rev), revision: v.rev };
    return prev ? withLazyPrevObject(event, () => decodeObject<T>(v.key, prev.data!, prev.rev)) : event;
  }
  const event: WatchEvent<T> = {
    type: prev ? 'MODIFIED' : 'ADDED',
    key: v.key,
    object: decodeObject<T>(v.key, v.data, v.rev),
    revision: v.rev,
  };
  return prev ? withLazyPrevObject(event, () => decodeObject<T>(v.key, prev.data!, prev.rev)) : event;
}

export class WatchHub {
  private readonly watches = new Set<HubMember>();

  constructor(
    private readonly mvcc: Mvcc,
    private readonly maxBacklog: number,
  ) {}

  get size(): number {
    return this.watches.size;
  }

  /** A watch of changes after `afterRevision`; the caller has checked the revision range. */
  open<T extends StoredObjectLike>(prefix: string, afterRevision: number): EmbeddedWatch<T> {
    const w = new EmbeddedWatch<T>(this, this.mvcc, prefix, afterRevision, this.maxBacklog);
    this.watches.add(w);
    return w;
  }

  remove(w: HubMember): void {
    this.watches.delete(w);
  }

  notify(from: number, to: number): void {
    for (const w of this.watches) w.onCommit(from, to);
  }

  /** Ends every watch: normally on close, with `err` when the store fails. */
  closeAll(err?: StoreError): void {
    for (const w of [...this.watches]) {
      if (err) w.fail(err);
      else w.stop();
    }
    this.watches.clear();
  }
}
