// /openapi/v2 in protobuf: kubectl and client-go ask for the v2 document only in this form
// (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`), as the `openapi.v2`
// messages of google/gnostic's OpenAPIv2.proto. Field numbers below are that file's. Vendor
// extensions, defaults and enum values travel as YAML text; JSON is YAML, so they are JSON.
import { ProtoWriter } from './protobuf.js';
import type { JsonSchema } from './types.js';

/**
 * The Content-Type of the protobuf answer. Clients ask with `...spec.v2@v1.0+protobuf`, but `@`
 * is not allowed in a media type and Go's parser rejects it in a reply, so the answer says `.v1.0`.
 */
export const OPENAPI_V2_PROTOBUF_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Json = JsonSchema;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const strOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const numOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const boolOf = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** `Any { string yaml = 2 }` */
const any = (value: unknown): ProtoWriter => new ProtoWriter().string(2, JSON.stringify(value));

/** `repeated NamedAny vendor_extension`: every `x-` key. */
function vendorExtensions(node: Json): ProtoWriter[] {
  return Object.entries(node)
    .filter(([key]) => key.startsWith('x-'))
    .map(([key, value]) => new ProtoWriter().string(1, key).message(2, any(value)));
}

function schema(node: Json): ProtoWriter {
  const w = new ProtoWriter()
    .string(1, strOf(node.$ref))
    .string(2, strOf(node.format))
    .string(3, strOf(node.title))
    .string(4, strOf(node.description));
  if (node.default !== undefined) w.message(5, any(node.default));
  w.double(6, numOf(node.multipleOf))
    .double(7, numOf(node.maximum))
    .bool(8, boolOf(node.exclusiveMaximum))
    .double(9, numOf(node.minimum))
    .bool(10, boolOf(node.exclusiveMinimum))
    .int64(11, numOf(node.maxLength))
    .int64(12, numOf(node.minLength))
    .string(13, strOf(node.pattern))
    .int64(14, numOf(node.maxItems))
    .int64(15, numOf(node.minItems))
    .bool(16, boolOf(node.uniqueItems))
    .strings(19, strsOf(node.required));
  if (Array.isArray(node.enum)) w.messages(20, node.enum.map(any));
  if (typeof node.additionalProperties === 'boolean') {
    w.message(21, new ProtoWriter().bool(2, node.additionalProperties));
  } else if (node.additionalProperties !== undefined) {
    w.message(21, new ProtoWriter().message(1, schema(obj(node.additionalProperties))));
  }
  if (node.type !== undefined) w.message(22, new ProtoWriter().strings(1, Array.isArray(node.type) ? strsOf(node.type) : strsOf([node.type])));
  if (node.items !== undefined) {
    const items = Array.isArray(node.items) ? node.items.map(obj) : [obj(node.items)];
    w.message(23, new ProtoWriter().messages(1, items.map(schema)));
  }
  if (Array.isArray(node.allOf)) w.messages(24, node.allOf.map((s) => schema(obj(s))));
  if (node.properties !== undefined) w.message(25, namedSchemas(obj(node.properties)));
  return w.messages(31, vendorExtensions(node));
}

/** `Properties` and `Definitions` share one shape: `repeated NamedSchema additional_properties = 1`. */
function namedSchemas(map: Json): ProtoWriter {
  return new ProtoWriter().messages(
    1,
    Object.entries(map).map(([name, value]) => new ProtoWriter().string(1, name).message(2, schema(obj(value)))),
  );
}

function parameter(node: Json): ProtoWriter {
  let inner: ProtoWriter;
  if (node.in === 'body') {
    // Parameter.body_parameter
    const body = new ProtoWriter()
      .string(1, strOf(node.description))
      .string(2, strOf(node.name))
      .string(3, 'body')
      .bool(4, boolOf(node.required))
      .message(5, schema(obj(node.schema)))
      .messages(6, vendorExtensions(node));
    inner = new ProtoWriter().message(1, body);
  } else {
    // NonBodyParameter.query_parameter_sub_schema (3) or path_parameter_sub_schema (4); the
    // path form has no allow_empty_value, so its later fields sit one number lower.
    const path = node.in === 'path';
    const sub = new ProtoWriter()
      .bool(1, boolOf(node.required))
      .string(2, strOf(node.in))
      .string(3, strOf(node.description))
      .string(4, strOf(node.name))
      .string(path ? 5 : 6, strOf(node.type))
      .string(path ? 6 : 7, strOf(node.format))
      .bool(path ? 19 : 20, boolOf(node.uniqueItems))
      .messages(path ? 22 : 23, vendorExtensions(node));
    inner = new ProtoWriter().message(2, new ProtoWriter().message(path ? 4 : 3, sub));
  }
  // ParametersItem.parameter
  return new ProtoWriter().message(1, inner);
}

function responses(node: Json): ProtoWriter {
  const codes = Object.entries(node).map(([code, value]) => {
    const r = obj(value);
    const response = new ProtoWriter().string(1, strOf(r.description));
    if (r.schema !== undefined) response.message(2, new ProtoWriter().message(1, schema(obj(r.schema))));
    response.messages(5, vendorExtensions(r));
    return new ProtoWriter().string(1, code).message(2, new ProtoWriter().message(1, response));
  });
  return new ProtoWriter().messages(1, codes);
}

function operation(node: Json): ProtoWriter {
  return new ProtoWriter()
    .strings(1, strsOf(node.tags))
    .string(2, strOf(node.summary))
    .string(3, strOf(node.description))
    .string(5, strOf(node.operationId))
    .strings(6, strsOf(node.produces))
    .strings(7, strsOf(node.consumes))
    .messages(8, (Array.isArray(node.parameters) ? node.parameters : []).map((p) => parameter(obj(p))))
    .message(9, responses(obj(node.responses)))
    .strings(10, strsOf(node.schemes))
    .messages(13, vendorExtensions(node));
}

const METHODS: ReadonlyArray<[string, number]> = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['options', 6],
  ['head', 7],
  ['patch', 8],
];

function pathItem(node: Json): ProtoWriter {
  const w = new ProtoWriter();
  for (const [method, field] of METHODS) if (node[method] !== undefined) w.message(field, operation(obj(node[method])));
  w.messages(9, (Array.isArray(node.parameters) ? node.parameters : []).map((p) => parameter(obj(p))));
  return w.messages(10, vendorExtensions(node));
}

/** The Swagger 2.0 document `doc` as an `openapi.v2.Document` message. */
export function encodeOpenApiV2(doc: Json): Uint8Array {
  const info = obj(doc.info);
  const paths = new ProtoWriter().messages(
    2,
    Object.entries(obj(doc.paths)).map(([path, item]) => new ProtoWriter().string(1, path).message(2, pathItem(obj(item)))),
  );
  return new ProtoWriter()
    .string(1, strOf(doc.swagger))
    .message(2, new ProtoWriter().string(1, strOf(info.title)).string(2, strOf(info.version)).string(3, strOf(info.description)))
    .string(4, strOf(doc.basePath))
    .message(8, paths)
    .message(9, namedSchemas(obj(doc.definitions)))
    .messages(16, vendorExtensions(doc))
    .finish();
}
