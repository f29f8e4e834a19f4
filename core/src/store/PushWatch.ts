import { StoreError } from './errors.js';
import type { Watch, WatchEvent } from './types.js';

/**
 * A watch fed by pushes (the etcd backend's event stream), with a bounded buffer: a consumer
 * that falls `capacity` events behind gets the events it has and then a WatchOverflow error,
 * never a silent gap.
 */
export class PushWatch<T> implements Watch<T>, AsyncIterator<WatchEvent<T>> {
  private buffer: WatchEvent<T>[] = [];
  private head = 0;
  private waiter: { resolve: (r: IteratorResult<WatchEvent<T>>) => void; reject: (e: unknown) => void } | undefined;
  private error: StoreError | undefined;
  private ended = false;

  constructor(
    private readonly capacity: number,
    private readonly describe: string,
    private readonly onStop: () => void,
  ) {}

  get isEnded(): boolean {
    return this.ended || this.error !== undefined;
  }

  push(event: WatchEvent<T>): void {
    if (this.isEnded) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: event, done: false });
      return;
    }
    if (this.buffer.length - this.head >= this.capacity) {
      this.fail(
        new StoreError(
          'WatchOverflow',
          `${this.describe}: the consumer fell ${this.capacity} events behind; watch again from revision ${this.lastBufferedRevision()}`,
          { revision: this.lastBufferedRevision() },
        ),
      );
      return;
    }
    this.buffer.push(event);
  }

  /** Ends the watch with `err` once the buffered events are consumed. */
  fail(err: StoreError): void {
    if (this.isEnded) return;
    this.error = err;
    this.onStop();
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.error = undefined;
      this.ended = true;
      w.reject(err);
    }
  }

  stop(): void {
    if (this.ended) return;
    const wasFailed = this.error !== undefined;
    this.ended = true;
    this.error = undefined;
    this.buffer = [];
    this.head = 0;
    if (!wasFailed) this.onStop();
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<WatchEvent<T>>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.error) {
      const err = this.error;
      this.error = undefined;
      this.ended = true;
      return Promise.reject(err);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
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

  private lastBufferedRevision(): number {
    return this.buffer.length > 0 ? this.buffer[this.buffer.length - 1]!.revision : 0;
  }
}
