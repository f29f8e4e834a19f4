// Kubernetes protobuf bodies: reading and writing the kinds Corral serves.
export { decodeProtobufObject, PROTOBUF_MAGIC, PROTOBUF_MEDIA_TYPE } from './decode.js';
export { encodeProtobufObject, messageForObject, Unencodable } from './encode.js';
export { messageForKind, protobufKinds } from './kinds.js';
export { encodeWatchFrame, PROTOBUF_WATCH_MEDIA_TYPE, ProtobufEventEncoder, watchableInProtobuf } from './watch.js';
