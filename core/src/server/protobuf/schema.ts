// How Corral describes a Kubernetes protobuf message: field number -> JSON name and type. Only the
// fields Corral's object model knows are listed; the tables are written from the field numbers
// Kubernetes publishes for its API types (k8s.io/api, k8s.io/apimachinery).

/** Values a field holds, named as they appear in JSON. */
export type ScalarType =
  | 'string'
  | 'int' // int32 or int64, varint-encoded
  | 'bool'
  | 'bytes' // base64 in JSON
  | 'time' // meta.v1.Time {seconds, nanos}: RFC 3339 in JSON, to the second
  | 'microtime' // meta.v1.MicroTime: RFC 3339 with microseconds
  | 'quantity' // resource.Quantity {string}: the quantity's string
  | 'intstr' // intstr.IntOrString {type, intVal, strVal}: a number or a string
  | 'fieldsV1'; // meta.v1.FieldsV1 {raw}: any JSON value, its text as the raw bytes

/** Maps are repeated entries {1: key, 2: value}; the keys are strings for every map Corral reads. */
export type MapType = 'stringMap' | 'bytesMap' | 'quantityMap';

export type FieldType = ScalarType | MapType | MessageType;

/**
 * keep: the zero value is meaningful (a pointer in Go, or a field JSON writes even when zero), so
 *       it is kept; other fields' zero values mean "not set", as with JSON's omitempty.
 * list: a repeated field.
 * inline: an embedded struct whose fields JSON writes in the parent (Probe's handler, a Volume's
 *       source, a key selector's LocalObjectReference).
 */
export type FieldFlag = 'keep' | 'list' | 'inline';

export interface FieldSpec {
  readonly number: number;
  readonly name: string;
  readonly type: FieldType;
  readonly keep: boolean;
  readonly list: boolean;
  readonly inline: boolean;
}

export interface MessageType {
  /** The protobuf message name, for error messages (e.g. k8s.io.api.core.v1.PodSpec). */
  readonly name: string;
  readonly fields: ReadonlyMap<number, FieldSpec>;
  /** The same fields by JSON name, inline messages' fields included (for encoding). */
  readonly byName: ReadonlyMap<string, FieldSpec>;
}

/** A field as written in a table: a bare name for a string field, else [name, type, ...flags]. */
export type FieldDecl = string | readonly [string, FieldType, ...FieldFlag[]];

export const KEEP = 'keep';
export const LIST = 'list';
export const INLINE = 'inline';

/** Declares a message from its table. */
export function message(name: string, table: Readonly<Record<number, FieldDecl>>): MessageType {
  const fields = new Map<number, FieldSpec>();
  for (const [key, decl] of Object.entries(table)) {
    const number = Number(key);
    const [fieldName, type, ...flags] = typeof decl === 'string' ? [decl, 'string' as const] : decl;
    fields.set(number, {
      number,
      name: fieldName,
      type,
      keep: flags.includes('keep'),
      list: flags.includes('list'),
      inline: flags.includes('inline'),
    });
  }
  const byName = new Map<string, FieldSpec>();
  for (const spec of fields.values()) {
    if (!spec.inline) byName.set(spec.name, spec);
    else if (typeof spec.type === 'object') for (const inner of spec.type.byName.keys()) byName.set(inner, spec);
  }
  return { name, fields, byName };
}

export function isMessage(type: FieldType): type is MessageType {
  return typeof type === 'object';
}
