import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkKey, checkRevisionArg, decodeObject, encodeObject, parseResourceVersion, stamped } from '../codec.js';
import { encodeContinue, listStart } from '../continueToken.js';
import { alreadyExists, compacted, conflict, futureRevision, invalidArgument, notFound, StoreError } from '../errors.js';
import type {
  EmbeddedStoreConfig,
  ListOptions,
  ListResult,
  Preconditions,
  Store,
  StoredObject,
  StoredObjectLike,
  Watch,
  WatchOptions,
} from '../types.js';
import { acquireLock } from './lock.js';
import type { Mvcc } from './Mvcc.js';
import { OP_COMPACT, OP_DELETE, OP_PUT, type Entry } from './records.js';
import { pruneFiles, recover } from './Recovery.js';
import { writeSnapshot } from './Snapshot.js';
import { WalWriter } from './Wal.js';
import { WatchHub } from './WatchHub.js';

// The embedded store: MVCC in memory, made durable by a write-ahead log with group commit.
//
// A write is checked against the newest state including queued writes (so two conflicting
// writes in one batch cannot both pass), gets the next revision, and waits in the queue. One
// flush writes the whole queue as one WAL frame and syncs it once; only then are the changes
// applied to the MVCC state that readers and watches see, and the writers answered.

interface Pending {
  entry: Entry;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const DEFAULTS = {
  snapshotEveryBytes: 64 * 1024 * 1024,
  retainRevisions: 50_000,
  retainMs: 5 * 60_000,
  compactionIntervalMs: 10_000,
  maxWatchBacklog: 10_000,
};

export class EmbeddedStore<T extends StoredObjectLike = StoredObject> implements Store<T> {
  readonly backend = 'embedded' as const;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private failure: StoreError | undefined;
  private queue: Pending[] = [];
  /** Queued, not yet durable writes: the newest per key (data null = deleted). */
  private readonly overlay = new Map<string, { rev: number; data: string | null }>();
  private lastAssigned: number;
  private flushing = false;
  private flushScheduled = false;
  private idleWaiters: Array<() => void> = [];
  private walBytes: number;
  private snapshotDue = false;
  private snapshotting: Promise<void> | undefined;
  private compactionQueued = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly samples: Array<[time: number, revision: number]> = [];
  private readonly hub: WatchHub;
  private readonly opts: typeof DEFAULTS;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    private readonly mvcc: Mvcc,
    private wal: WalWriter,
    private readonly releaseLock: () => Promise<void>,
    private readonly notice: (message: string) => void,
    config: EmbeddedStoreConfig,
  ) {
    this.opts = {
      snapshotEveryBytes: config.snapshotEveryBytes ?? DEFAULTS.snapshotEveryBytes,
      retainRevisions: config.retainRevisions ?? DEFAULTS.retainRevisions,
      retainMs: config.retainMs ?? DEFAULTS.retainMs,
      compactionIntervalMs: config.compactionIntervalMs ?? DEFAULTS.compactionIntervalMs,
      maxWatchBacklog: config.maxWatchBacklog ?? DEFAULTS.maxWatchBacklog,
    };
    this.lastAssigned = mvcc.revision;
    this.walBytes = wal.size;
    this.hub = new WatchHub(mvcc, this.opts.maxWatchBacklog);
    if (this.opts.compactionIntervalMs > 0) {
      this.timer = setInterval(() => this.autoCompact(), this.opts.compactionIntervalMs);
      this.timer.unref();
    }
  }

  /** Opens (creating if needed) the store in `config.dir`, recovering what it holds. */
  static async open<T extends StoredObjectLike = StoredObject>(config: EmbeddedStoreConfig): Promise<EmbeddedStore<T>> {
    if (!config || typeof config.dir !== 'string' || config.dir === '') {
      throw invalidArgument('embedded store: config.dir (the data directory) is required');
    }
    const dir = resolve(config.dir);
    const notice = config.onNotice ?? ((m: string) => console.warn(`corral store: ${m}`));
    await mkdir(dir, { recursive: true });
    const release = await acquireLock(dir, notice);
    try {
      const { mvcc, last, snapshotRevision } = await recover(dir, notice);
      // A crash can come between a snapshot and the removal of what it replaces.
      if (snapshotRevision > 0) await pruneFiles(dir, snapshotRevision);
      const wal = last
        ? await WalWriter.reopen(last.segment, last.validEnd, last.fileSize)
        : await WalWriter.create(dir, mvcc.revision + 1);
      return new EmbeddedStore<T>(dir, mvcc, wal, release, notice, config);
    } catch (err) {
      await release();
      throw err;
    }
  }

  // ---- reads: the durable state only ----

  async get(key: string): Promise<T> {
    this.checkReadable();
    checkKey(key);
    const v = this.mvcc.latest(key);
    if (!v || v.data === null) throw notFound(key);
    return decodeObject<T>(key, v.data, v.rev);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    this.checkReadable();
    const page = listStart(prefix, options);
    const { limit, start } = page;
    const rev = page.revision || this.mvcc.revision;
    if (rev > this.mvcc.revision) throw futureRevision(`list of "${prefix}"`, rev, this.mvcc.revision);
    if (rev < this.mvcc.compactRevision) throw compacted(`list of "${prefix}"`, rev, this.mvcc.compactRevision);
    const { versions, remaining } = this.mvcc.range(prefix, start, rev, limit);
    const result: ListResult<T> = { items: versions.map((v) => decodeObject<T>(v.key, v.data!, v.rev)), revision: rev };
    if (remaining > 0) {
      result.continue = encodeContinue(rev, versions[versions.length - 1]!.key);
      result.remainingItemCount = remaining;
    }
    return result;
  }

  async watch(prefix: string, options: WatchOptions = {}): Promise<Watch<T>> {
    this.checkReadable();
    const after = checkRevisionArg(`watch on "${prefix}"`, options.revision) || this.mvcc.revision;
    if (after > this.mvcc.revision) throw futureRevision(`watch on "${prefix}"`, after, this.mvcc.revision);
    if (after + 1 < this.mvcc.firstLogRevision) throw compacted(`watch on "${prefix}"`, after, this.mvcc.compactRevision);
    if (this.failure) throw this.failure;
    return this.hub.open<T>(prefix, after);
  }

  async currentRevision(): Promise<number> {
    this.checkReadable();
    return this.mvcc.revision;
  }

  // ---- writes: checked against queued writes too, answered once durable ----

  async create(key: string, obj: T): Promise<T> {
    this.checkWritable();
    checkKey(key);
    const data = encodeObject(key, obj);
    const cur = this.view(key);
    if (cur && cur.data !== null) throw alreadyExists(key, cur.rev);
    const rev = this.assign(key, data);
    await this.enqueue({ op: OP_PUT, rev, createRev: 0, key, data });
    return stamped(obj, rev);
  }

  async update(key: string, obj: T): Promise<T> {
    this.checkWritable();
    checkKey(key);
    const data = encodeObject(key, obj);
    const cur = this.view(key);
    if (!cur || cur.data === null) throw notFound(key);
    const rv = obj.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && parseResourceVersion(key, rv) !== cur.rev) {
      throw conflict(key, 'resourceVersion', rv, String(cur.rev), cur.rev);
    }
    const rev = this.assign(key, data);
    await this.enqueue({ op: OP_PUT, rev, createRev: 0, key, data });
    return stamped(obj, rev);
  }

  async delete(key: string, preconditions: Preconditions = {}): Promise<T> {
    this.checkWritable();
    checkKey(key);
    const cur = this.view(key);
    if (!cur || cur.data === null) throw notFound(key);
    const last = cur.data;
    const rv = preconditions.resourceVersion;
    if (rv !== undefined && rv !== '' && parseResourceVersion(key, rv) !== cur.rev) {
      throw conflict(key, 'resourceVersion', rv, String(cur.rev), cur.rev);
    }
    if (preconditions.uid !== undefined) {
      const uid = decodeObject<StoredObject>(key, last, cur.rev).metadata?.uid;
      if (uid !== preconditions.uid) throw conflict(key, 'uid', preconditions.uid, String(uid), cur.rev);
    }
    const rev = this.assign(key, null);
    await this.enqueue({ op: OP_DELETE, rev, createRev: 0, key, data: null });
    return decodeObject<T>(key, last, rev);
  }

  async compact(revision: number): Promise<void> {
    this.checkWritable();
    const rev = checkRevisionArg('compact', revision);
    if (rev > this.mvcc.revision) throw futureRevision('compact', rev, this.mvcc.revision);
    if (rev <= this.mvcc.compactRevision) return;
    await this.enqueue({ op: OP_COMPACT, rev, createRev: 0, key: '', data: null });
  }

  /** Finishes queued writes and a running snapshot, ends all watches, releases the dir. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.state = 'closing';
      if (this.timer) clearInterval(this.timer);
      await this.idle();
      await this.snapshotting;
      this.hub.closeAll();
      this.state = 'closed';
      await this.wal.close();
      await this.releaseLock();
    })();
    return this.closed;
  }

  /** Figures for tests and operators. */
  stats(): { revision: number; compactRevision: number; historyLength: number; keys: number; watches: number; walBytes: number } {
    return {
      revision: this.mvcc.revision,
      compactRevision: this.mvcc.compactRevision,
      historyLength: this.mvcc.logLength,
      keys: this.mvcc.keyCount,
      watches: this.hub.size,
      walBytes: this.walBytes,
    };
  }

  // ---- the write pipeline ----

  private checkReadable(): void {
    if (this.state === 'closed') throw new StoreError('Unavailable', `embedded store at ${this.dir} is closed`);
  }

  private checkWritable(): void {
    if (this.state !== 'open') throw new StoreError('Unavailable', `embedded store at ${this.dir} is closed`);
    if (this.failure) throw this.failure;
  }

  private view(key: string): { rev: number; data: string | null } | undefined {
    return this.overlay.get(key) ?? this.mvcc.latest(key);
  }

  private assign(key: string, data: string | null): number {
    const rev = ++this.lastAssigned;
    this.overlay.set(key, { rev, data });
    return rev;
  }

  private enqueue(entry: Entry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.flushing && !this.flushScheduled) {
        this.flushScheduled = true;
        // Deferred to the check phase, so every write issued in this turn shares the batch.
        setImmediate(() => {
          this.flushScheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.failure) return;
    if (this.queue.length === 0) return this.wakeIdle();
    this.flushing = true;
    const batch = this.queue;
    this.queue = [];
    try {
      if (this.snapshotDue && !this.snapshotting && this.mvcc.revision + 1 > this.wal.startRev) await this.rotate();
      this.walBytes += await this.wal.append(batch.map((p) => p.entry));
    } catch (err) {
      this.flushing = false;
      this.fail(err, batch);
      return;
    }
    const from = this.mvcc.revision + 1;
    for (const { entry: e } of batch) {
      if (e.op === OP_COMPACT) {
        this.mvcc.compact(e.rev);
        continue;
      }
      this.mvcc.apply(e.op, e.rev, e.key, e.data);
      if (this.overlay.get(e.key)?.rev === e.rev) this.overlay.delete(e.key);
    }
    if (this.mvcc.revision >= from) this.hub.notify(from, this.mvcc.revision);
    for (const p of batch) p.resolve();
    this.flushing = false;
    if (this.walBytes >= this.opts.snapshotEveryBytes) this.snapshotDue = true;
    this.compactIfHistoryTooLong();
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    } else {
      this.wakeIdle();
    }
  }

  /** A failed WAL write leaves the disk state unknown: refuse all further writes. */
  private fail(err: unknown, batch: Pending[]): void {
    const failure = new StoreError(
      'Unavailable',
      `embedded store at ${this.dir}: writing ${this.wal.path} failed (${(err as Error).message}); ` +
        'writes are refused until the store is reopened, which recovers every acknowledged write',
      { file: this.wal.path, cause: err },
    );
    this.failure = failure;
    for (const p of [...batch, ...this.queue]) p.reject(failure);
    this.queue = [];
    this.overlay.clear();
    this.hub.closeAll(failure);
    this.wakeIdle();
  }

  private idle(): Promise<void> {
    if (!this.flushing && !this.flushScheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Starts a new WAL segment and writes a snapshot of the state so far in the background; the
   * segments before the new one are removed once the snapshot is durable.
   */
  private async rotate(): Promise<void> {
    this.snapshotDue = false;
    const next = await WalWriter.create(this.dir, this.mvcc.revision + 1);
    const old = this.wal;
    this.wal = next;
    this.walBytes = next.size;
    await old.close();
    const capture = this.mvcc.capture();
    this.snapshotting = (async () => {
      try {
        await writeSnapshot(this.dir, capture);
        await pruneFiles(this.dir, capture.revision);
      } catch (err) {
        // The WAL still holds everything; the next rotation tries again.
        this.notice(`${this.dir}: snapshot at revision ${capture.revision} failed: ${(err as Error).message}`);
      } finally {
        this.snapshotting = undefined;
      }
    })();
  }

  private autoCompact(): void {
    const now = Date.now();
    this.samples.push([now, this.mvcc.revision]);
    let byTime = 0;
    while (this.samples.length > 0 && this.samples[0]![0] <= now - this.opts.retainMs) byTime = this.samples.shift()![1];
    this.compactTo(Math.max(byTime, this.mvcc.revision - this.opts.retainRevisions));
  }

  /** Between timer ticks, a burst of writes must not grow history far beyond its bound. */
  private compactIfHistoryTooLong(): void {
    if (this.opts.compactionIntervalMs > 0 && this.mvcc.logLength > this.opts.retainRevisions * 1.25) {
      this.compactTo(this.mvcc.revision - this.opts.retainRevisions);
    }
  }

  private compactTo(target: number): void {
    if (this.compactionQueued || target <= this.mvcc.compactRevision || this.state !== 'open' || this.failure) return;
    this.compactionQueued = true;
    this.compact(target)
      .catch((err: unknown) => this.notice(`${this.dir}: auto-compaction to revision ${target} failed: ${(err as Error).message}`))
      .finally(() => {
        this.compactionQueued = false;
      });
  }
}
