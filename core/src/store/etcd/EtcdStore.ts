import { readFile } from 'node:fs/promises';
import {
  CompareResult,
  CompareTarget,
  Etcd3,
  isRecoverableError,
  type ICompare,
  type IEvent,
  type IKeyValue,
  type IOptions,
  type IRangeResponse,
  type ITxnRequest,
  type ITxnResponse,
  type Watcher,
} from 'etcd3';
import { checkKey, checkRevisionArg, decodeObject, encodeObject, parseResourceVersion, stamped, withLazyPrevObject } from '../codec.js';
import { encodeContinue, listStart } from '../continueToken.js';
import { alreadyExists, compacted, conflict, futureRevision, invalidArgument, notFound, StoreError } from '../errors.js';
import { PushWatch } from '../PushWatch.js';
import { LocalReads } from './LocalReads.js';
import type {
  EtcdStoreConfig,
  ListOptions,
  ListResult,
  Preconditions,
  Store,
  StoredObject,
  StoredObjectLike,
  Watch,
  WatchEvent,
  WatchOptions,
} from '../types.js';

// The etcd backend: each operation is one etcd request (a transaction where a check is
// needed), revisions are etcd's own, and etcd's errors become StoreErrors. etcd is the engine;
// nothing here second-guesses it. A get reads serializably where that is as fresh as a
// linearizable read (see LocalReads).

const COMPACTED_MSG = 'required revision has been compacted';
const FUTURE_MSG = 'required revision is a future revision';

/** The end of etcd's key range for everything starting with `prefix`. */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all keys
}

type WatchBackoff = NonNullable<NonNullable<IOptions['faultHandling']>['watchBackoff']>;

/**
 * Watch stream reconnects: from 100 ms, doubling to 2 s. The client's default grows to 30 s,
 * which delays recovery after an etcd restart and keeps a closed client's timer alive as long.
 */
function reconnectBackoff(duration: number): WatchBackoff {
  return { duration, next: () => reconnectBackoff(Math.min(duration * 2, 2000)) };
}

export class EtcdStore<T extends StoredObjectLike = StoredObject> implements Store<T> {
  readonly backend = 'etcd' as const;
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly endpoints: string;
  private readonly watches = new Set<PushWatch<T>>();
  private readonly localReads: LocalReads;
  private closed = false;

  private constructor(
    private readonly config: EtcdStoreConfig,
    options: IOptions,
  ) {
    this.client = new Etcd3(options);
    this.prefix = config.prefix ?? '';
    this.endpoints = config.endpoints.join(', ');
    this.localReads = new LocalReads(config.endpoints, () => this.client.cluster.memberList({}));
  }

  /** Connects and checks that etcd answers; Unavailable (naming the endpoints) if it does not. */
  static async open<T extends StoredObjectLike = StoredObject>(config: EtcdStoreConfig): Promise<EtcdStore<T>> {
    if (!config || !Array.isArray(config.endpoints) || config.endpoints.length === 0) {
      throw invalidArgument('etcd store: config.endpoints must list at least one URL, e.g. ["http://127.0.0.1:2379"]');
    }
    const requestTimeout = config.requestTimeoutMs ?? 5000;
    const options: IOptions = {
      hosts: config.endpoints,
      dialTimeout: config.dialTimeoutMs ?? 3000,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeout }),
      // Finds a dead peer under an idle watch stream (etcd accepts pings every 5 s or slower).
      grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 },
      faultHandling: { watchBackoff: reconnectBackoff(50) },
    };
    if (config.auth) options.auth = config.auth;
    if (config.tls) {
      options.credentials = {
        rootCertificate: await readFile(config.tls.caFile),
        ...(config.tls.certFile ? { certChain: await readFile(config.tls.certFile) } : {}),
        ...(config.tls.keyFile ? { privateKey: await readFile(config.tls.keyFile) } : {}),
      };
    }
    const store = new EtcdStore<T>(config, options);
    try {
      await store.currentRevision();
      await store.localReads.check();
    } catch (err) {
      store.client.close();
      throw err;
    }
    return store;
  }

  async get(key: string): Promise<T> {
    this.checkOpen();
    checkKey(key);
    const serializable = this.localReads.serializable;
    const res = await this.call(`get "${key}"`, key, () => this.client.kv.range({ key: this.k(key), serializable }));
    const kv = res.kvs[0];
    if (!kv) throw notFound(key);
    return this.decode(key, kv);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult<T>> {
    this.checkOpen();
    const page = listStart(prefix, options);
    const { limit, start } = page;
    const rev = page.revision;
    const what = `list of "${prefix}"`;
    const res: IRangeResponse = await this.call(what, undefined, () =>
      this.client.kv.range({ key: this.k(start), range_end: prefixEnd(this.k(prefix)), revision: rev, limit }),
      rev,
    );
    const revision = rev || Number(res.header.revision);
    const items = res.kvs.map((kv) => this.decode(this.unprefix(kv.key), kv));
    const result: ListResult<T> = { items, revision };
    if (res.more && res.kvs.length > 0) {
      result.continue = encodeContinue(revision, this.unprefix(res.kvs[res.kvs.length - 1]!.key));
      result.remainingItemCount = Number(res.count) - res.kvs.length;
    }
    return result;
  }

  async create(key: string, obj: T): Promise<T> {
    this.checkOpen();
    checkKey(key);
    const data = encodeObject(key, obj);
    const k = this.k(key);
    const res = await this.txn(`create "${key}"`, key, {
      compare: [{ key: k, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(data) } }],
    });
    if (!res.succeeded) {
      // Rare: read the current version for the message rather than carry a read in every create.
      const cur = await this.call(`create "${key}"`, key, () => this.client.kv.range({ key: k })).catch(() => undefined);
      throw alreadyExists(key, Number(cur?.kvs[0]?.mod_revision ?? 0));
    }
    return stamped(obj, Number(res.header.revision));
  }

  async update(key: string, obj: T): Promise<T> {
    this.checkOpen();
    checkKey(key);
    const data = encodeObject(key, obj);
    const k = this.k(key);
    const rv = obj.metadata?.resourceVersion;
    const compare = [this.exists(k)];
    if (rv !== undefined && rv !== '') {
      compare.push({ key: k, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: parseResourceVersion(key, rv) });
    }
    const res = await this.txn(`update "${key}"`, key, {
      compare,
      success: [{ request_put: { key: k, value: Buffer.from(data) } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) {
      const cur = res.responses[0]?.response_range.kvs[0];
      if (!cur) throw notFound(key);
      throw conflict(key, 'resourceVersion', String(rv), cur.mod_revision, Number(cur.mod_revision));
    }
    return stamped(obj, Number(res.header.revision));
  }

  async delete(key: string, preconditions: Preconditions = {}): Promise<T> {
    this.checkOpen();
    checkKey(key);
    const k = this.k(key);
    const rv = preconditions.resourceVersion;
    const wantRev = rv !== undefined && rv !== '' ? parseResourceVersion(key, rv) : undefined;
    for (;;) {
      // A uid precondition needs the value: read it, check, then delete only that version.
      let expectMod = wantRev;
      if (preconditions.uid !== undefined) {
        const cur = (await this.call(`delete "${key}"`, key, () => this.client.kv.range({ key: k }))).kvs[0];
        if (!cur) throw notFound(key);
        const uid = this.decode(key, cur).metadata?.uid;
        if (uid !== preconditions.uid) throw conflict(key, 'uid', preconditions.uid, String(uid), Number(cur.mod_revision));
        if (wantRev !== undefined && Number(cur.mod_revision) !== wantRev) {
          throw conflict(key, 'resourceVersion', String(rv), cur.mod_revision, Number(cur.mod_revision));
        }
        expectMod = Number(cur.mod_revision);
      }
      const compare = [this.exists(k)];
      if (expectMod !== undefined) compare.push({ key: k, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: expectMod });
      const res = await this.txn(`delete "${key}"`, key, {
        compare,
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      });
      if (res.succeeded) {
        const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
        return decodeObject<T>(key, prev ? prev.value.toString('utf8') : '{}', Number(res.header.revision));
      }
      const cur = res.responses[0]?.response_range.kvs[0];
      if (!cur) throw notFound(key);
      if (wantRev !== undefined) throw conflict(key, 'resourceVersion', String(rv), cur.mod_revision, Number(cur.mod_revision));
      // Only the uid path gets here: the object changed between the read and the delete.
    }
  }

  async watch(prefix: string, options: WatchOptions = {}): Promise<Watch<T>> {
    this.checkOpen();
    const what = `watch on "${prefix}"`;
    const current = await this.currentRevision();
    const after = checkRevisionArg(what, options.revision) || current;
    if (after > current) throw futureRevision(what, after, current);
    // etcd reports a compacted start only after the watch is created; ask first, so the
    // caller gets Compacted from watch() itself in the common case.
    if (after < current && (await this.isCompacted(after + 1))) throw compacted(what, after);

    let last = after;
    let serverCanceled = false;
    let reconnectTimer: NodeJS.Timeout | undefined;
    // watch() returns once etcd has the watch, or once it has failed: never hangs on a dead etcd.
    let ready!: () => void;
    const connected = new Promise<void>((resolve) => (ready = resolve));
    const watcher: Watcher = this.client.watch().prefix(this.k(prefix)).withPreviousKV().startRevision(String(after + 1)).watcher();
    let ended = false;
    const cancel = () => {
      ended = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      this.watches.delete(w);
      if (!serverCanceled) void watcher.cancel().catch(() => undefined);
      ready();
    };
    const w = new PushWatch<T>(this.config.watchBufferSize ?? 10_000, what, cancel);
    this.watches.add(w);
    watcher.on('data', (res) => {
      for (const ev of res.events) {
        const rev = Number(ev.kv.mod_revision);
        last = Math.max(last, rev);
        w.push(this.toEvent(ev, rev));
      }
    });
    watcher.on('disconnected', () => {
      if (ended) return; // the stream closing under a stopped watch
      // The client resumes from the revision in the last response header, which can be past
      // events not yet sent; resume after the last event delivered instead.
      (watcher.request as { start_revision?: string }).start_revision = String(last + 1);
      reconnectTimer ??= setTimeout(() => {
        w.fail(new StoreError('Unavailable', `${what}: lost the watch stream to etcd at ${this.endpoints} and could not re-establish it; watch again from revision ${last}`, { revision: last }));
      }, this.config.watchReconnectTimeoutMs ?? 10_000);
      reconnectTimer.unref();
    });
    watcher.on('connected', () => {
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      ready();
    });
    watcher.on('error', (err: Error) => {
      // etcd canceled the watch (compaction, permissions): find out which, then end it.
      serverCanceled = true;
      void this.isCompacted(last + 1).then(
        (isCompacted) => w.fail(isCompacted ? compacted(what, last) : this.mapError(err, what, undefined, last)),
        () => w.fail(this.mapError(err, what, undefined, last)),
      );
    });
    await connected;
    return w;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const rev = checkRevisionArg('compact', revision);
    if (rev === 0) return;
    try {
      await this.call('compact', undefined, () => this.client.kv.compact({ revision: rev, physical: false }), rev);
    } catch (err) {
      if ((err as StoreError).code !== 'Compacted') throw err;
      // Already compacted at or past `rev`: nothing to do.
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.call('read the current revision', undefined, () =>
      this.client.kv.range({ key: this.k('/'), limit: 1, count_only: true }),
    );
    return Number(res.header.revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
    this.client.close();
  }

  // ---- helpers ----

  private checkOpen(): void {
    if (this.closed) throw new StoreError('Unavailable', `etcd store (${this.endpoints}) is closed`);
  }

  private k(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  private unprefix(key: Buffer): string {
    return key.toString('utf8').slice(this.prefix.length);
  }

  private exists(k: Buffer): ICompare {
    return { key: k, target: CompareTarget.Version, result: CompareResult.Greater, version: 0 };
  }

  private decode(key: string, kv: IKeyValue): T {
    return decodeObject<T>(key, kv.value.toString('utf8'), Number(kv.mod_revision));
  }

  private toEvent(ev: IEvent, rev: number): WatchEvent<T> {
    const key = this.unprefix(ev.kv.key);
    const prev = ev.prev_kv && ev.prev_kv.value ? ev.prev_kv : undefined;
    if (ev.type === 'Delete') {
      const event: WatchEvent<T> = {
        type: 'DELETED',
        key,
        object: decodeObject<T>(key, prev ? prev.value.toString('utf8') : '{}', rev),
        revision: rev,
      };
      return prev ? withLazyPrevObject(event, () => this.decode(key, prev)) : event;
    }
    const event: WatchEvent<T> = { type: ev.kv.version === '1' ? 'ADDED' : 'MODIFIED', key, object: this.decode(key, ev.kv), revision: rev };
    return prev ? withLazyPrevObject(event, () => this.decode(key, prev)) : event;
  }

  private async isCompacted(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: this.k('/'), revision, limit: 1, count_only: true });
      return false;
    } catch (err) {
      return String((err as Error).message).includes(COMPACTED_MSG);
    }
  }

  private txn(what: string, key: string, req: ITxnRequest): Promise<ITxnResponse> {
    return this.call(what, key, () => this.client.kv.txn(req));
  }

  private async call<R>(what: string, key: string | undefined, fn: () => Promise<R>, revision?: number): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw this.mapError(err, what, key, revision);
    }
  }

  private mapError(err: unknown, what: string, key: string | undefined, revision: number | undefined): StoreError {
    if (err instanceof StoreError) return err;
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.includes(COMPACTED_MSG)) return compacted(what, revision ?? 0);
    if (msg.includes(FUTURE_MSG)) {
      return new StoreError('FutureRevision', `${what}: revision ${revision ?? '?'} is newer than etcd's current revision`, { revision });
    }
    const name = err instanceof Error ? err.constructor.name : '';
    const unavailable =
      (err instanceof Error && isRecoverableError(err)) ||
      /BrokenCircuit|ClientClosed|WatchStreamEnded|Unavailable|DeadlineExceeded|Cancelled/.test(name) ||
      /no leader|request timed out|ECONNREFUSED|No connection established/i.test(msg);
    if (unavailable) {
      return new StoreError('Unavailable', `${what}: etcd at ${this.endpoints} is unavailable (${msg})`, { key, cause: err });
    }
    return new StoreError('Internal', `${what}: etcd at ${this.endpoints} answered with an error: ${msg}`, { key, cause: err });
  }
}
