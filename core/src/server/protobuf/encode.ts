// An object (or a list of them, or a Status) written as Kubernetes protobuf, for clients that
// accept nothing else. Every field must be one the tables know: an object that cannot be written
// whole is refused with Unencodable rather than sent with fields missing.
import { PROTOBUF_MAGIC } from './decode.js';
import { isKindMessage, listMessageFor, messageForKind } from './kinds.js';
import { isMessage, type FieldSpec, type MessageType } from './schema.js';
import { Writer } from './wire.js';

type Json = Record<string, unknown>;

/** A value the protobuf tables cannot carry: what and where. */
export class Unencodable extends Error {
  override readonly name = 'Unencodable';
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message an object's apiVersion and kind call for (XList for lists), if any. */
export function messageForObject(body: unknown): MessageType | undefined {
  if (!isRecord(body) || typeof body.apiVersion !== 'string' || typeof body.kind !== 'string') return undefined;
  const type = messageForKind(body.apiVersion, body.kind);
  if (type) return type;
  if (!body.kind.endsWith('List')) return undefined;
  return listMessageFor(body.apiVersion, body.kind.slice(0, -'List'.length));
}

/** `body` as the bytes of a protobuf response: the prefix k8s\0, then a runtime.Unknown. */
export function encodeProtobufObject(body: unknown): Uint8Array {
  const type = messageForObject(body);
  if (!type || !isRecord(body)) {
    const what = isRecord(body) ? `${String(body.kind)} (${String(body.apiVersion)})` : typeof body;
    throw new Unencodable(`${what} has no protobuf message Corral can write`);
  }
  const typeMeta = new Writer().string(1, body.apiVersion as string).string(2, body.kind as string);
  const envelope = new Writer()
    .message(1, typeMeta)
    .message(2, encodeMessage(body, type, ''))
    .string(3, '')
    .string(4, '');
  const payload = envelope.finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + payload.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(payload, PROTOBUF_MAGIC.length);
  return out;
}

function encodeMessage(obj: Json, type: MessageType, path: string): Writer {
  const writer = new Writer();
  const inline = new Map<FieldSpec, Json>();
  const fields: [FieldSpec, unknown, string][] = [];
  for (const [name, value] of Object.entries(obj)) {
    if (value === undefined || value === null) continue;
    const fieldPath = path === '' ? name : `${path}.${name}`;
    const spec = type.byName.get(name);
    if (!spec) {
      // A kind's own message carries no type meta: the envelope does.
      if ((name === 'apiVersion' || name === 'kind') && isKindMessage(type)) continue;
      throw new Unencodable(`${fieldPath} has no field in ${type.name}`);
    }
    if (spec.inline) {
      let group = inline.get(spec);
      if (!group) inline.set(spec, (group = {}));
      group[name] = value;
    } else {
      fields.push([spec, value, fieldPath]);
    }
  }
  for (const [spec, group] of inline) fields.push([spec, group, path]);
  fields.sort((a, b) => a[0].number - b[0].number);
  for (const [spec, value, fieldPath] of fields) encodeField(writer, spec, value, fieldPath);
  return writer;
}

function encodeField(writer: Writer, spec: FieldSpec, value: unknown, path: string): void {
  if (spec.list) {
    if (!Array.isArray(value)) throw new Unencodable(`${path} must be a list`);
    value.forEach((item, i) => encodeOne(writer, spec, item, `${path}[${i}]`));
    return;
  }
  encodeOne(writer, spec, value, path);
}

function encodeOne(writer: Writer, spec: FieldSpec, value: unknown, path: string): void {
  const { type, number } = spec;
  if (isMessage(type)) {
    if (!isRecord(value)) throw new Unencodable(`${path} must be an object`);
    writer.message(number, encodeMessage(value, type, path));
    return;
  }
  switch (type) {
    case 'string':
      writer.string(number, expectString(value, path));
      return;
    case 'int':
      writer.varint(number, expectInteger(value, path));
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw new Unencodable(`${path} must be a boolean`);
      writer.varint(number, value ? 1 : 0);
      return;
    case 'bytes':
      writer.bytes(number, Buffer.from(expectString(value, path), 'base64'));
      return;
    case 'time':
    case 'microtime':
      writer.message(number, encodeTime(value, path));
      return;
    case 'quantity':
      writer.message(number, encodeQuantity(value, path));
      return;
    case 'intstr':
      writer.message(number, encodeIntOrString(value, path));
      return;
    case 'fieldsV1':
      // The JSON text itself travels as the bytes, as Kubernetes stores it.
      writer.message(number, new Writer().bytes(1, Buffer.from(JSON.stringify(value), 'utf8')));
      return;
    case 'stringMap':
    case 'bytesMap':
    case 'quantityMap':
      encodeMap(writer, number, type, value, path);
      return;
  }
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Unencodable(`${path} must be a string`);
  return value;
}

function expectInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Unencodable(`${path} must be an integer`);
  return value;
}

function encodeTime(value: unknown, path: string): Writer {
  const text = expectString(value, path);
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) throw new Unencodable(`${path} is not an RFC 3339 time`);
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  const nanos = fraction === '' ? 0 : Number(fraction.slice(0, 9).padEnd(9, '0'));
  const writer = new Writer().varint(1, Math.floor(millis / 1000));
  return nanos === 0 ? writer : writer.varint(2, nanos);
}

function encodeQuantity(value: unknown, path: string): Writer {
  if (typeof value !== 'string' && typeof value !== 'number') throw new Unencodable(`${path} must be a quantity`);
  return new Writer().string(1, String(value));
}

function encodeIntOrString(value: unknown, path: string): Writer {
  if (typeof value === 'string') return new Writer().varint(1, 1).varint(2, 0).string(3, value);
  return new Writer().varint(1, 0).varint(2, expectInteger(value, path)).string(3, '');
}

function encodeMap(writer: Writer, number: number, type: 'stringMap' | 'bytesMap' | 'quantityMap', value: unknown, path: string): void {
  if (!isRecord(value)) throw new Unencodable(`${path} must be an object`);
  // Go writes map entries in key order; so does Corral, so equal maps give equal bytes.
  for (const key of Object.keys(value).sort()) {
    const entry = new Writer().string(1, key);
    const item = value[key];
    const itemPath = `${path}[${JSON.stringify(key)}]`;
    if (type === 'stringMap') entry.string(2, expectString(item, itemPath));
    else if (type === 'bytesMap') entry.bytes(2, Buffer.from(expectString(item, itemPath), 'base64'));
    else entry.message(2, encodeQuantity(item, itemPath));
    writer.message(number, entry);
  }
}
