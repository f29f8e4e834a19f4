// Reading generated documents the way clients do: follow references to a field's schema, find
// a kind by its group-version-kind, and decode protobuf without a schema.

export type Json = { [key: string]: unknown };

export const asJson = (v: unknown): Json => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v as Json;
};

/** The schema a reference (v2 `$ref`, or v3 `$ref`/single `allOf`) points at; the schema itself otherwise. */
export function resolve(schema: Json, schemas: Json): Json {
  let s = schema;
  for (let hops = 0; hops < 5; hops++) {
    const target = typeof s.$ref === 'string' ? s.$ref : undefined;
    if (target) {
      const name = target.replace(/^#\/(definitions|components\/schemas)\//, '');
      s = asJson(schemas[name]);
      continue;
    }
    if (Array.isArray(s.allOf) && s.allOf.length === 1 && !s.properties) {
      s = asJson(s.allOf[0]);
      continue;
    }
    return s;
  }
  throw new Error('reference chain too long');
}

/** The definition carrying `x-kubernetes-group-version-kind` = gvk, as kubectl explain finds it. */
export function findByGvk(schemas: Json, gvk: { group: string; version: string; kind: string }): [string, Json] | undefined {
  for (const [name, schema] of Object.entries(schemas)) {
    const list = asJson(schema)['x-kubernetes-group-version-kind'];
    if (!Array.isArray(list)) continue;
    if (list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) return [name, asJson(schema)];
  }
  return undefined;
}

/**
 * The schema of a dotted field path from `root` (array items and maps are stepped through, as
 * `kubectl explain pods.spec.containers.ports` does); returns the property schema (unresolved)
 * and the object schema holding it.
 */
export function field(root: Json, path: string, schemas: Json): { property: Json; holder: Json } {
  let next = root;
  let property: Json = root;
  let holder: Json = root;
  for (const step of path.split('.')) {
    let s = resolve(next, schemas);
    while (s.items || (s.additionalProperties && typeof s.additionalProperties === 'object')) {
      s = resolve(asJson(s.items ?? s.additionalProperties), schemas);
    }
    const props = asJson(s.properties ?? {});
    if (!(step in props)) throw new Error(`no field ${step} in ${JSON.stringify(Object.keys(props))} (path ${path})`);
    holder = s;
    property = asJson(props[step]);
    next = property;
  }
  return { property, holder };
}

/** A protobuf message as field number -> raw values (numbers for varints, Buffers otherwise). */
export type Decoded = Map<number, Array<number | Buffer>>;

export function decodeProto(bytes: Uint8Array): Decoded {
  const buf = Buffer.from(bytes);
  const out: Decoded = new Map();
  let i = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = buf[i++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const fieldNo = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: number | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      value = buf.subarray(i, i + 8);
      i += 8;
    } else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${wire} at ${i}`);
    if (!out.has(fieldNo)) out.set(fieldNo, []);
    out.get(fieldNo)!.push(value);
  }
  return out;
}

export const text = (m: Decoded, n: number): string | undefined => {
  const v = m.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
export const sub = (m: Decoded, n: number): Decoded[] => (m.get(n) ?? []).map((v) => decodeProto(v as Buffer));
