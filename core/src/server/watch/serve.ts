// WATCH over HTTP: a chunked 200 response, one event per line (or per length-prefixed frame in
// protobuf), from a resourceVersion (or the current state as ADDED events first), with bookmarks,
// a timeout, and a clean end on client disconnect or server shutdown. A watch that cannot go on
// ends with an ERROR event.
import type { ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import type { ApiObject, Status } from '../../api/types.js';
import { isStoreError } from '../../store/errors.js';
import type { Store, Watch } from '../../store/types.js';
import { fromStoreError, statusOf, toApiError } from '../errors.js';
import type { Output } from '../negotiate.js';
import { PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE, ProtobufEventEncoder, watchableInProtobuf } from '../protobuf/index.js';
import type { WatchQuery } from '../query.js';
import type { ServedResource } from '../resources.js';
import type { Storage } from '../storage/context.js';
import { waitForRevision } from '../storage/list.js';
import type { IncludeObjectPolicy } from '../table/index.js';
import type { ServerContext } from '../types.js';
import { bookmark, errorEvent, EventEncoder, toApiEvent, type ApiEvent } from './events.js';
import { WatchFanouts } from './fanout.js';
import { SharedLines } from './sharedLines.js';

/** Open watches, so the server can end them all when it stops, and what they share. */
export class WatchRegistry {
  private readonly open = new Set<() => void>();
  readonly lines = new SharedLines();
  private readonly fanouts = new WeakMap<Store, WatchFanouts>();

  /** The shared store watches of `store`. */
  fanoutsOf(store: Store): WatchFanouts {
    let fanouts = this.fanouts.get(store);
    if (!fanouts) this.fanouts.set(store, (fanouts = new WatchFanouts(store)));
    return fanouts;
  }

  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  get size(): number {
    return this.open.size;
  }

  endAll(): void {
    for (const end of [...this.open]) end();
    this.lines.clear();
  }
}

export interface WatchRequest {
  readonly res: ServedResource;
  readonly namespace?: string;
  /** Set when the URL names one object (legacy /watch/.../{name}). */
  readonly name?: string;
  readonly query: WatchQuery;
  readonly output: Output;
  readonly includeObject: IncludeObjectPolicy;
}

export interface WatchSettings {
  readonly bookmarkIntervalMs: number;
  readonly registry: WatchRegistry;
}

interface Start {
  revision: number;
  initial: ApiObject[];
}

async function startingPoint(storage: Storage, req: WatchRequest, prefix: string): Promise<Start> {
  const { store } = storage;
  const { resourceVersion, sendInitialEvents } = req.query;
  const fromState = sendInitialEvents ?? (resourceVersion === undefined || resourceVersion === '0');
  if (resourceVersion !== undefined && resourceVersion !== '0') {
    const rv = Number(resourceVersion);
    const current = await store.currentRevision();
    if (rv > current) await waitForRevision(store, rv);
    if (!fromState) return { revision: rv, initial: [] };
  }
  if (!fromState) return { revision: await store.currentRevision(), initial: [] };
  const listed = await store.list(prefix);
  const filter = req.query.filter;
  const items = listed.items as ApiObject[];
  return { revision: listed.revision, initial: filter ? items.filter((o) => filter(o)) : items };
}

/** How one watch's events are written: JSON lines, or protobuf frames. */
interface StreamEncoder {
  readonly contentType: string;
  encode(event: ApiEvent): string | Uint8Array;
  encodeChange(event: ApiEvent, key: string, revision: number, shared: SharedLines): string | Uint8Array;
  error(status: Status): string | Uint8Array;
}

function protobufForm(output: Output): { metadataVersion?: string } | undefined {
  if (output.as === 'protobuf') return {};
  if (output.as === 'PartialObjectMetadata' && output.protobuf) return { metadataVersion: output.version };
  return undefined;
}

/** The encoder for `req`; a 406 (before anything is written) when its kind has no protobuf message. */
function streamEncoder(req: WatchRequest): StreamEncoder {
  const { res: resource, output } = req;
  const form = protobufForm(output);
  if (!form) {
    const json = new EventEncoder(resource, output, req.includeObject);
    return {
      contentType: 'application/json',
      encode: (event) => json.encode(event),
      encodeChange: (event, key, revision, shared) => json.encodeChange(event, key, revision, shared),
      error: errorEvent,
    };
  }
  if (!form.metadataVersion && !watchableInProtobuf(resource.apiVersion, resource.kind)) {
    throw ApiError.of(
      'NotAcceptable',
      `${resource.kind} (${resource.apiVersion}) has no protobuf message Corral can write, so its watch cannot be ${PROTOBUF_MEDIA_TYPE}; ` +
        'add application/json to Accept',
    );
  }
  const protobuf = new ProtobufEventEncoder(resource.apiVersion, form);
  return {
    contentType: PROTOBUF_WATCH_MEDIA_TYPE,
    encode: (event) => protobuf.encode(event),
    encodeChange: (event, key, revision, shared) => protobuf.encodeChange(event, key, revision, shared),
    error: (status) => protobuf.error(status),
  };
}

/**
 * Writes lines, corked until the current tick ends: the changes of one commit reach a watch
 * together, and go out in one write instead of one system call each.
 */
class LineWriter {
  private corked = false;

  constructor(private readonly res: ServerResponse) {}

  write(chunk: string | Uint8Array): Promise<void> | undefined {
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.corked = false;
        this.res.uncork();
      });
    }
    return writeAsync(this.res, chunk);
  }
}

function writeAsync(res: ServerResponse, chunk: string | Uint8Array): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function serveWatch(ctx: ServerContext, storage: Storage, req: WatchRequest, settings: WatchSettings): Promise<void> {
  const { res: resource, query } = req;
  const encoder = streamEncoder(req);
  // One object's watch reads only its own key range.
  const prefix = req.name !== undefined ? resource.key(req.namespace, req.name) : resource.prefix(req.namespace);
  const start = await startingPoint(storage, req, prefix);
  let watch: Watch<unknown> | undefined;
  let failure: ApiError | undefined;
  try {
    watch = await settings.registry.fanoutsOf(storage.store).watch(prefix, start.revision);
  } catch (err) {
    // Too old a resourceVersion is reported in the stream, as Kubernetes does, so clients relist.
    if (!isStoreError(err, 'Compacted')) throw isStoreError(err) ? fromStoreError(err) : err;
    failure = fromStoreError(err);
  }

  const http = ctx.res;
  ctx.respond = false;
  http.writeHead(200, { 'Content-Type': encoder.contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  http.flushHeaders();
  if (failure || !watch) {
    http.end(encoder.error(statusOf(failure ?? ApiError.internal('watch did not start'))));
    return;
  }

  const writer = new LineWriter(http);
  const shared = settings.registry.lines;
  let last = start.revision;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearInterval(t);
    watch!.stop();
  };
  const unregister = settings.registry.add(end);
  http.on('close', end);
  if (query.timeoutSeconds !== undefined) timers.push(setTimeout(end, query.timeoutSeconds * 1000));
  if (query.allowBookmarks) {
    timers.push(setInterval(() => {
      if (!ended) http.write(encoder.encode(bookmark(resource, last)));
    }, settings.bookmarkIntervalMs));
  }

  try {
    for (const object of start.initial) {
      if (ended) break;
      await writer.write(encoder.encode({ type: 'ADDED', object }));
    }
    if (query.sendInitialEvents && !ended) await writer.write(encoder.encode(bookmark(resource, start.revision, true)));
    for await (const event of watch) {
      last = event.revision;
      const out: ApiEvent | undefined = toApiEvent(event, query.filter);
      if (out) await writer.write(encoder.encodeChange(out, event.key, event.revision, shared));
      if (ended) break;
    }
  } catch (err) {
    // The client may relist on 410; a lagging consumer just watches again from its last version.
    if (!ended && !isStoreError(err, 'WatchOverflow')) {
      const apiError = isStoreError(err) ? fromStoreError(err) : toApiError(err);
      http.write(encoder.error(statusOf(apiError)));
    }
  } finally {
    end();
    unregister();
    if (!http.writableEnded) http.end();
  }
}
