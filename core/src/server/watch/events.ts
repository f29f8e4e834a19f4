// Watch events as Kubernetes frames them: one JSON object per line, {"type","object"}. With
// selectors, an object that starts matching is ADDED and one that stops matching is DELETED
// (carrying its previous state), as the Kubernetes watch cache does.
import type { ApiObject, Status } from '../../api/types.js';
import type { WatchEvent } from '../../store/types.js';
import type { Output } from '../negotiate.js';
import type { ObjectFilter } from '../query.js';
import type { ServedResource } from '../resources.js';
import { toTable } from '../table/index.js';
import type { IncludeObjectPolicy } from '../table/index.js';
import type { SharedLines } from './sharedLines.js';

export type ApiEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ApiEvent {
  type: ApiEventType;
  object: ApiObject;
}

function withRevision(obj: ApiObject, revision: number): ApiObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/** What a client with `filter` sees of a store event; undefined when nothing. */
export function toApiEvent(event: WatchEvent<unknown>, filter: ObjectFilter | undefined): ApiEvent | undefined {
  const object = event.object as ApiObject;
  if (!filter) return { type: event.type, object };
  if (event.type === 'ADDED') return filter(object) ? { type: 'ADDED', object } : undefined;
  if (event.type === 'DELETED') return filter(object) ? { type: 'DELETED', object } : undefined;
  const now = filter(object);
  const prev = event.prevObject as ApiObject | undefined;
  // Without the previous state (history compacted), assume it matched as the current one does.
  const before = prev ? filter(prev) : now;
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object: withRevision(prev!, event.revision) };
  return undefined;
}

export function bookmark(res: ServedResource, revision: number, initialEventsEnd = false): ApiEvent {
  const metadata: ApiObject['metadata'] = { resourceVersion: String(revision) };
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  return { type: 'BOOKMARK', object: { apiVersion: res.apiVersion, kind: res.kind, metadata } };
}

export function errorEvent(status: Status): string {
  return `{"type":"ERROR","object":${JSON.stringify(status)}}\n`;
}

/** Encodes events in the form the client negotiated: objects, Tables, or metadata only. */
export class EventEncoder {
  private sentColumns = false;

  constructor(
    private readonly res: ServedResource,
    private readonly output: Output,
    private readonly includeObject: IncludeObjectPolicy,
  ) {}

  encode(event: ApiEvent): string {
    return `{"type":"${event.type}","object":${JSON.stringify(this.transform(event))}}\n`;
  }

  /**
   * The line for `event`, the store's change of `key` at `revision`, shared with the other watches
   * that send it the same way. Tables are not shared: their first line carries the columns.
   */
  encodeChange(event: ApiEvent, key: string, revision: number, shared: SharedLines): string {
    if (this.output.as === 'Table') return this.encode(event);
    const way = 'version' in this.output ? `${this.output.as}/${this.output.version}` : this.output.as;
    return shared.line(`${key}\u0000${revision}\u0000${event.type}\u0000${this.res.apiVersion}\u0000${way}`, () => this.encode(event));
  }

  private transform(event: ApiEvent): unknown {
    if (event.type === 'BOOKMARK' || event.type === 'ERROR') return event.object;
    const obj = event.object;
    if (this.output.as === 'Table') {
      const table = toTable(this.res.kind, [obj], { includeObject: this.includeObject, listMeta: { resourceVersion: obj.metadata.resourceVersion } });
      table.apiVersion = `meta.k8s.io/${this.output.version}` as 'meta.k8s.io/v1';
      // Like Kubernetes, the column definitions come with the first event only.
      if (this.sentColumns) table.columnDefinitions = [];
      this.sentColumns = true;
      return table;
    }
    if (this.output.as === 'PartialObjectMetadata') {
      return { apiVersion: `meta.k8s.io/${this.output.version}`, kind: 'PartialObjectMetadata', metadata: obj.metadata };
    }
    return obj;
  }
}
