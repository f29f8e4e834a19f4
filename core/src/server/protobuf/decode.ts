// A Kubernetes protobuf body (the 4-byte prefix "k8s\0", then a runtime.Unknown holding the
// object's message) turned into the object as JSON would have carried it, so the same admission
// and validation apply to both.
import { ApiError } from '../../api/errors.js';
import { listMessageFor, messageForKind, protobufKinds } from './kinds.js';
import { isMessage, type FieldSpec, type MessageType } from './schema.js';
import { Reader, WireError, WireType, wireName } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The prefix Kubernetes writes before every protobuf-encoded object. */
export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

type Json = Record<string, unknown>;

function invalid(message: string): ApiError {
  return ApiError.badRequest(`the request body is not a valid Kubernetes protobuf object: ${message}`);
}

function where(path: string): string {
  return path === '' ? 'the object' : path;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Reader | undefined;
  contentEncoding: string;
  contentType: string;
}

function readTypeMeta(reader: Reader, envelope: Envelope): void {
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1 && wire === WireType.LengthDelimited) envelope.apiVersion = reader.string();
    else if (field === 2 && wire === WireType.LengthDelimited) envelope.kind = reader.string();
    else reader.skip(wire);
  }
}

function readEnvelope(body: Uint8Array): Envelope {
  const envelope: Envelope = { apiVersion: '', kind: '', raw: undefined, contentEncoding: '', contentType: '' };
  const reader = new Reader(body, PROTOBUF_MAGIC.length);
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (wire !== WireType.LengthDelimited) {
      reader.skip(wire);
      continue;
    }
    if (field === 1) readTypeMeta(reader.nested(), envelope);
    else if (field === 2) envelope.raw = reader.nested();
    else if (field === 3) envelope.contentEncoding = reader.string();
    else if (field === 4) envelope.contentType = reader.string();
    else reader.skip(wire);
  }
  return envelope;
}

function hasMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

/**
 * The object in a protobuf request body, with apiVersion and kind from its envelope. Malformed
 * bytes and fields Corral does not store are 400s; kinds Corral does not read from protobuf, and
 * compressed or nested encodings, are 415s.
 */
export function decodeProtobufObject(body: Uint8Array): Json {
  if (!hasMagic(body)) {
    throw invalid('it must start with the 4 bytes "k8s\\0" that prefix every Kubernetes protobuf object');
  }
  try {
    const envelope = readEnvelope(body);
    if (envelope.contentEncoding !== '' || (envelope.contentType !== '' && envelope.contentType !== PROTOBUF_MEDIA_TYPE)) {
      throw ApiError.of(
        'UnsupportedMediaType',
        `the protobuf body wraps its object in ${envelope.contentType || PROTOBUF_MEDIA_TYPE}` +
          `${envelope.contentEncoding ? ` with content encoding ${envelope.contentEncoding}` : ''}; Corral reads only plain protobuf objects`,
      );
    }
    if (envelope.kind === '' || envelope.apiVersion === '') {
      throw invalid('its typeMeta must name the apiVersion and kind');
    }
    const type =
      messageForKind(envelope.apiVersion, envelope.kind) ??
      (envelope.kind.endsWith('List') ? listMessageFor(envelope.apiVersion, envelope.kind.slice(0, -'List'.length)) : undefined);
    if (!type) {
      throw ApiError.of(
        'UnsupportedMediaType',
        `Corral does not read ${envelope.kind} (${envelope.apiVersion}) from protobuf; send it as application/json or application/yaml` +
          ` (protobuf bodies are read for ${protobufKinds().join(', ')})`,
      );
    }
    const object: Json = { apiVersion: envelope.apiVersion, kind: envelope.kind };
    if (envelope.raw) decodeMessage(envelope.raw, type, '', object);
    return object;
  } catch (err) {
    if (err instanceof WireError) throw invalid(err.message);
    throw err;
  }
}

function expectWire(spec: FieldSpec, wire: number, expected: number, path: string, owner: MessageType): void {
  if (wire !== expected) {
    throw invalid(`${where(path)} (field ${spec.number} of ${owner.name}) is ${wireName(wire)}, expected ${wireName(expected)}`);
  }
}

function decodeMessage(reader: Reader, type: MessageType, path: string, into: Json): Json {
  while (!reader.done) {
    const at = reader.offset;
    const { field, wire } = reader.key();
    const spec = type.fields.get(field);
    if (!spec) {
      // Go writes every non-pointer field, so fields Corral does not model arrive as zero values
      // (meaning "not set") on every request: those are fine, any other value is not.
      if (!reader.skip(wire)) {
        throw ApiError.badRequest(
          `the protobuf body sets field ${field} of ${type.name} at ${where(path)} (byte ${at}), which Corral does not support`,
        );
      }
      continue;
    }
    const fieldPath = path === '' ? spec.name : `${path}.${spec.name}`;
    if (spec.inline && isMessage(spec.type)) {
      expectWire(spec, wire, WireType.LengthDelimited, fieldPath, type);
      decodeMessage(reader.nested(), spec.type, path, into);
    } else if (spec.list) {
      decodeListItem(reader, wire, spec, fieldPath, type, into);
    } else if (spec.type === 'stringMap' || spec.type === 'bytesMap' || spec.type === 'quantityMap') {
      expectWire(spec, wire, WireType.LengthDelimited, fieldPath, type);
      const map = (into[spec.name] ??= {}) as Json;
      decodeMapEntry(reader.nested(), spec.type, fieldPath, map);
    } else if (isMessage(spec.type)) {
      expectWire(spec, wire, WireType.LengthDelimited, fieldPath, type);
      const existing = into[spec.name] as Json | undefined;
      into[spec.name] = decodeMessage(reader.nested(), spec.type, fieldPath, existing ?? {});
    } else {
      const value = decodeScalar(reader, wire, spec, fieldPath, type);
      if (value !== undefined) into[spec.name] = value;
      else delete into[spec.name];
    }
  }
  return into;
}

function decodeListItem(reader: Reader, wire: number, spec: FieldSpec, path: string, owner: MessageType, into: Json): void {
  const list = (into[spec.name] ??= []) as unknown[];
  const itemPath = `${path}[${list.length}]`;
  if (isMessage(spec.type)) {
    expectWire(spec, wire, WireType.LengthDelimited, itemPath, owner);
    list.push(decodeMessage(reader.nested(), spec.type, itemPath, {}));
    return;
  }
  if ((spec.type === 'int' || spec.type === 'bool') && wire === WireType.LengthDelimited) {
    // A packed repeated number: the values one after another in one length-delimited field.
    const packed = reader.nested();
    while (!packed.done) list.push(spec.type === 'bool' ? packed.varint() !== 0 : packed.varint());
    return;
  }
  // List items keep their zero values: an empty string in `args` is an argument.
  list.push(decodeScalar(reader, wire, { ...spec, keep: true }, itemPath, owner));
}

function decodeScalar(reader: Reader, wire: number, spec: FieldSpec, path: string, owner: MessageType): unknown {
  switch (spec.type) {
    case 'int': {
      expectWire(spec, wire, WireType.Varint, path, owner);
      const value = reader.varint();
      return value !== 0 || spec.keep ? value : undefined;
    }
    case 'bool': {
      expectWire(spec, wire, WireType.Varint, path, owner);
      const value = reader.varint() !== 0;
      return value || spec.keep ? value : undefined;
    }
    case 'string': {
      expectWire(spec, wire, WireType.LengthDelimited, path, owner);
      const value = reader.string();
      return value !== '' || spec.keep ? value : undefined;
    }
    case 'bytes': {
      expectWire(spec, wire, WireType.LengthDelimited, path, owner);
      const value = reader.bytes();
      return value.length > 0 || spec.keep ? Buffer.from(value).toString('base64') : undefined;
    }
    case 'time':
    case 'microtime':
      expectWire(spec, wire, WireType.LengthDelimited, path, owner);
      return decodeTime(reader.nested(), spec.type === 'microtime', path);
    case 'quantity': {
      expectWire(spec, wire, WireType.LengthDelimited, path, owner);
      const value = decodeQuantity(reader.nested());
      // A Go Quantity that was never set writes "0".
      return spec.keep || (value !== '' && value !== '0') ? value : undefined;
    }
    case 'intstr': {
      expectWire(spec, wire, WireType.LengthDelimited, path, owner);
      const value = decodeIntOrString(reader.nested(), path);
      return spec.keep || (value !== 0 && value !== '') ? value : undefined;
    }
    case 'fieldsV1':
      expectWire(spec, wire, WireType.LengthDelimited, path, owner);
      return decodeFieldsV1(reader.nested(), path);
    default:
      throw new Error(`${owner.name} field ${spec.number} has type ${String(spec.type)}, which is not a scalar`);
  }
}

/** meta.v1.Time / MicroTime {1: seconds, 2: nanos}; the zero time is "not set". */
function decodeTime(reader: Reader, micro: boolean, path: string): string | undefined {
  let seconds = 0;
  let nanos = 0;
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1 && wire === WireType.Varint) seconds = reader.varint();
    else if (field === 2 && wire === WireType.Varint) nanos = reader.varint();
    else reader.skip(wire);
  }
  if (seconds === 0 && nanos === 0) return undefined;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()) || nanos < 0 || nanos > 999_999_999) {
    throw invalid(`${path} is not a valid time (seconds ${seconds}, nanos ${nanos})`);
  }
  const whole = date.toISOString().replace(/\.\d{3}Z$/, '');
  return micro ? `${whole}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${whole}Z`;
}

/** meta.v1.FieldsV1 {1: raw}: the bytes are JSON text, read back into the value JSON carries. */
function decodeFieldsV1(reader: Reader, path: string): unknown {
  let raw: Uint8Array | undefined;
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1 && wire === WireType.LengthDelimited) raw = reader.bytes();
    else reader.skip(wire);
  }
  if (!raw || raw.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err) {
    throw invalid(`${path} must hold JSON text: ${(err as Error).message}`);
  }
}

/** resource.Quantity {1: string}. */
function decodeQuantity(reader: Reader): string {
  let value = '';
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1 && wire === WireType.LengthDelimited) value = reader.string();
    else reader.skip(wire);
  }
  return value;
}

/** intstr.IntOrString {1: type (0 int, 1 string), 2: intVal, 3: strVal}. */
function decodeIntOrString(reader: Reader, path: string): number | string {
  let kind = 0;
  let intVal = 0;
  let strVal = '';
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1 && wire === WireType.Varint) kind = reader.varint();
    else if (field === 2 && wire === WireType.Varint) intVal = reader.varint();
    else if (field === 3 && wire === WireType.LengthDelimited) strVal = reader.string();
    else reader.skip(wire);
  }
  if (kind === 0) return intVal;
  if (kind === 1) return strVal;
  throw invalid(`${path} is an IntOrString of type ${kind}; only 0 (int) and 1 (string) exist`);
}

/** One map entry {1: key, 2: value}; values are kept even when empty (a label may be ""). */
function decodeMapEntry(reader: Reader, type: 'stringMap' | 'bytesMap' | 'quantityMap', path: string, map: Json): void {
  let key = '';
  let value: string = type === 'quantityMap' ? '0' : '';
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (field === 1 && wire === WireType.LengthDelimited) key = reader.string();
    else if (field === 2 && wire === WireType.LengthDelimited) {
      if (type === 'stringMap') value = reader.string();
      else if (type === 'bytesMap') value = Buffer.from(reader.bytes()).toString('base64');
      else value = decodeQuantity(reader.nested());
    } else {
      throw invalid(`${path} has a map entry with field ${field} (${wireName(wire)}); entries hold 1: key and 2: value`);
    }
  }
  // defineProperty, so a key such as "__proto__" is an ordinary key, as JSON.parse makes it.
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
