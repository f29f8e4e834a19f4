// One store watch per key prefix, shared by the API watches on it (the kube-apiserver's watch
// cache, in small): each change is read from the store and decoded once, however many clients
// watch (every node agent watches pods). A watch that starts at or after the oldest change the
// fan-out still holds replays from there and goes on live; one that starts further back gets a
// store watch of its own, as before.
import { StoreError } from '../../store/errors.js';
import type { Store, Watch, WatchEvent } from '../../store/types.js';

/** Changes kept for watches that start a little behind the live edge (a list's revision). */
const REPLAY = 1024;
/** Events a watch may fall behind before it is ended (its client watches again from where it was). */
const MAX_BACKLOG = 10_000;

type Event = WatchEvent<unknown>;
type Waiter = { resolve: (r: IteratorResult<Event>) => void; reject: (e: unknown) => void };

/** One API watch's view of a fan-out: the changes after its starting revision, in order. */
class FanoutWatch implements Watch<unknown>, AsyncIterator<Event> {
  private queue: Event[] = [];
  private head = 0;
  private waiter: Waiter | undefined;
  private error: unknown;
  private ended = false;
  private last: number;

  constructor(
    private readonly fanout: Fanout,
    after: number,
  ) {
    this.last = after;
  }

  push(event: Event): void {
    if (this.ended || this.error !== undefined || event.revision <= this.last) return;
    this.last = event.revision;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
    if (this.queue.length - this.head > MAX_BACKLOG) {
      const delivered = this.queue[this.head]!.revision - 1;
      this.fail(
        new StoreError('WatchOverflow', `watch on "${this.fanout.prefix}": the consumer fell more than ${MAX_BACKLOG} events behind; watch again from the last revision it received (${delivered} or later)`, {
          key: this.fanout.prefix,
          revision: delivered,
        }),
      );
    }
  }

  /** Ends the watch with `err` at once, as a store watch does: its client resumes from what it got. */
  fail(err: unknown): void {
    if (this.ended || this.error !== undefined) return;
    this.fanout.remove(this);
    this.queue = [];
    this.head = 0;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.ended = true;
      w.reject(err);
    } else {
      this.error = err;
    }
  }

  /** The store watch ended (the store closed): so does this one, after what it has queued. */
  finish(): void {
    this.fanout.remove(this);
    this.ended = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  stop(): void {
    this.queue = [];
    this.head = 0;
    this.error = undefined;
    this.finish();
  }

  next(): Promise<IteratorResult<Event>> {
    if (this.head < this.queue.length) {
      const event = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value: event, done: false });
    }
    if (this.error !== undefined) {
      const err = this.error;
      this.error = undefined;
      this.ended = true;
      return Promise.reject(err);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new Error('watch: next() called again before the previous call settled'));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<Event>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Event> {
    return this;
  }
}

class Fanout {
  private readonly watches = new Set<FanoutWatch>();
  private recent: Event[] = [];
  /** Every change after this revision (up to the live edge) is in `recent`. */
  private floor: number;
  private stopped = false;

  constructor(
    readonly prefix: string,
    private readonly source: Watch<unknown>,
    startRevision: number,
    private readonly onEnd: () => void,
  ) {
    this.floor = startRevision;
    void this.pump();
  }

  /** A watch of the changes after `after`; undefined when they are no longer all held here. */
  open(after: number): FanoutWatch | undefined {
    if (this.stopped || after < this.floor) return undefined;
    const watch = new FanoutWatch(this, after);
    for (const event of this.recent) watch.push(event);
    this.watches.add(watch);
    return watch;
  }

  remove(watch: FanoutWatch): void {
    if (!this.watches.delete(watch) || this.watches.size > 0) return;
    // Nobody left: stop reading the store. A later watch starts a new fan-out.
    this.stop();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onEnd();
    this.source.stop();
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.source) {
        this.recent.push(event);
        if (this.recent.length >= 2 * REPLAY) {
          this.floor = this.recent[REPLAY - 1]!.revision;
          this.recent = this.recent.slice(REPLAY);
        }
        for (const watch of this.watches) watch.push(event);
      }
      for (const watch of [...this.watches]) watch.finish();
    } catch (err) {
      for (const watch of [...this.watches]) watch.fail(err);
    } finally {
      this.stop();
    }
  }
}

/** The fan-outs of one store, by prefix. */
export class WatchFanouts {
  private readonly byPrefix = new Map<string, Promise<Fanout | undefined>>();

  constructor(private readonly store: Store) {}

  /** A watch of the changes under `prefix` after `after`, from a shared store watch when one can serve it. */
  async watch(prefix: string, after: number): Promise<Watch<unknown>> {
    let pending = this.byPrefix.get(prefix);
    if (!pending) {
      pending = this.start(prefix);
      this.byPrefix.set(prefix, pending);
    }
    const fanout = await pending;
    return fanout?.open(after) ?? (await this.store.watch(prefix, { revision: after }));
  }

  get size(): number {
    return this.byPrefix.size;
  }

  private start(prefix: string): Promise<Fanout | undefined> {
    // Only this fan-out's own entry goes: a newer one may have taken the prefix meanwhile.
    const forget = (): void => {
      if (this.byPrefix.get(prefix) === pending) this.byPrefix.delete(prefix);
    };
    const pending = (async () => {
      try {
        const revision = await this.store.currentRevision();
        const source = await this.store.watch(prefix, { revision });
        return new Fanout(prefix, source, revision, forget);
      } catch {
        // The store cannot watch now: each API watch asks it for itself and reports what it says.
        forget();
        return undefined;
      }
    })();
    return pending;
  }
}
