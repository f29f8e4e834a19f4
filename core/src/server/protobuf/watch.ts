// Watch events in protobuf, framed as Kubernetes streams them: each frame is a 4-byte big-endian
// length, then a meta.v1.WatchEvent {1: type, 2: RawExtension {1: raw}} with no envelope of its
// own (the stream's raw serializer); the raw bytes are the event's object as a whole protobuf
// body, "k8s\0" and runtime.Unknown included, so a client decodes it like any response.
import { ApiError } from '../../api/errors.js';
import type { ApiObject, Status } from '../../api/types.js';
import type { ApiEvent } from '../watch/events.js';
import type { SharedLines } from '../watch/sharedLines.js';
import { PROTOBUF_MEDIA_TYPE } from './decode.js';
import { encodeProtobufObject, Unencodable } from './encode.js';
import { messageForKind } from './kinds.js';
import { Writer } from './wire.js';

/** The Content-Type of a protobuf watch response. */
export const PROTOBUF_WATCH_MEDIA_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

/** One frame of a protobuf watch stream: `object` (any kind the tables write) as a `type` event. */
export function encodeWatchFrame(type: string, object: unknown): Buffer {
  const raw = encodeProtobufObject(object);
  const event = new Writer().string(1, type).message(2, new Writer().bytes(1, raw)).finish();
  // A buffer of its own, not a slice of Node's pool: frames are kept for the other watches a while.
  const frame = Buffer.allocUnsafeSlow(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
}

/** Whether a watch of `apiVersion` `kind` can go out in protobuf (whole objects; metadata only always can). */
export function watchableInProtobuf(apiVersion: string, kind: string): boolean {
  return messageForKind(apiVersion, kind) !== undefined;
}

/** How the objects go: whole, or their metadata only as meta.k8s.io `metadataVersion` PartialObjectMetadata. */
export interface ProtobufWatchForm {
  readonly metadataVersion?: string;
}

/** Encodes a protobuf watch's events; each change's frame is shared with the other watches that send it alike. */
export class ProtobufEventEncoder {
  private readonly way: string;

  constructor(
    private readonly apiVersion: string,
    private readonly form: ProtobufWatchForm,
  ) {
    this.way = form.metadataVersion ? `protobuf/PartialObjectMetadata/${form.metadataVersion}` : 'protobuf';
  }

  encode(event: ApiEvent): Buffer {
    const object = this.transform(event);
    try {
      return encodeWatchFrame(event.type, object);
    } catch (err) {
      if (!(err instanceof Unencodable)) throw err;
      // Nothing can be left out of a stream: the watch ends with this as its ERROR event.
      const meta = event.object.metadata;
      const name = meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
      throw ApiError.of(
        'InternalError',
        `${event.object.kind} ${name ?? ''} cannot be sent in ${PROTOBUF_MEDIA_TYPE}: ${err.message}; watch with Accept: application/json`,
      );
    }
  }

  encodeChange(event: ApiEvent, key: string, revision: number, shared: SharedLines): Uint8Array {
    const id = `${key}\u0000${revision}\u0000${event.type}\u0000${this.apiVersion}\u0000${this.way}`;
    return shared.frame(id, () => this.encode(event));
  }

  /** The ERROR event that ends a watch. */
  error(status: Status): Buffer {
    return encodeWatchFrame('ERROR', status);
  }

  private transform(event: ApiEvent): unknown {
    // As in Kubernetes, only a Status goes as it is; bookmarks become metadata too when asked.
    if (event.type === 'ERROR' || !this.form.metadataVersion) return event.object;
    const obj: ApiObject = event.object;
    return { apiVersion: `meta.k8s.io/${this.form.metadataVersion}`, kind: 'PartialObjectMetadata', metadata: obj.metadata };
  }
}
