// Turns each kind's joi schema (`schema.describe()`) into Swagger 2.0 definitions: one named
// definition per object type, maps as additionalProperties, enums from `valid(...)`, required
// fields from `.required()`, and the strategic-merge metadata of `patchSchemaFor(kind)` on the
// fields it concerns.
import { apiVersionOf, type ResourceDefinition } from '../../api/index.js';
import { fieldMeta, patchSchemaFor, type FieldPatchMeta, type PatchSchema } from '../patch/schema.js';
import { FIELD_DESCRIPTIONS, TYPE_DESCRIPTIONS } from './descriptions.js';
import { API_VERSION_FIELD, INT_OR_STRING, KIND_FIELD, LIST_META, QUANTITY, TIME } from './meta.js';
import { nestedTypeName, packageOf, qualified, type TypeName } from './naming.js';
import { GVK_EXTENSION, PATCH_MERGE_KEY, PATCH_STRATEGY, ref, type JsonSchema } from './types.js';

/** The parts of joi's `describe()` output this walk reads. */
interface Description {
  type?: string;
  flags?: { presence?: string; only?: boolean; unknown?: boolean; description?: string };
  keys?: Record<string, Description>;
  items?: Description[];
  patterns?: Array<{ rule: Description }>;
  rules?: Array<{ name: string; args?: { limit?: unknown; description?: unknown } }>;
  allow?: unknown[];
}

/**
 * The definitions being collected. Types are named by where they sit; two different shapes that
 * would get one name (a plugin's kind reusing a field name) keep it apart with a numeric suffix.
 */
export class DefinitionSet {
  readonly definitions = new Map<string, JsonSchema>();
  private readonly canonical = new Map<string, string>();

  /** Adds `schema` as `name` (or as the name it already has); returns the name used. */
  add(name: string, schema: JsonSchema): string {
    const text = JSON.stringify(schema);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name}${n}`;
      const existing = this.canonical.get(candidate);
      if (existing === undefined) {
        this.canonical.set(candidate, text);
        this.definitions.set(candidate, schema);
        return candidate;
      }
      if (existing === text) return candidate;
    }
  }
}

function rule(desc: Description, name: string): { limit?: unknown; description?: unknown } | undefined {
  const found = desc.rules?.find((r) => r.name === name);
  return found ? (found.args ?? {}) : undefined;
}

function numberLimits(desc: Description, out: JsonSchema): JsonSchema {
  const min = rule(desc, 'min')?.limit;
  const max = rule(desc, 'max')?.limit;
  if (typeof min === 'number') out.minimum = min;
  if (typeof max === 'number') out.maximum = max;
  const greater = rule(desc, 'greater')?.limit;
  const less = rule(desc, 'less')?.limit;
  if (typeof greater === 'number') Object.assign(out, { minimum: greater, exclusiveMinimum: true });
  if (typeof less === 'number') Object.assign(out, { maximum: less, exclusiveMaximum: true });
  return out;
}

function lengthLimits(desc: Description, out: JsonSchema, min: string, max: string): JsonSchema {
  const lo = rule(desc, 'min')?.limit ?? rule(desc, 'length')?.limit;
  const hi = rule(desc, 'max')?.limit ?? rule(desc, 'length')?.limit;
  if (typeof lo === 'number') out[min] = lo;
  if (typeof hi === 'number') out[max] = hi;
  return out;
}

/** A joi `custom()` rule's name, which the schemas use to tag quantities, ports, int-or-string. */
function customKind(desc: Description): string | undefined {
  const name = rule(desc, 'custom')?.description;
  return typeof name === 'string' ? name : undefined;
}

/** x-kubernetes-patch-strategy / -merge-key for a field, as Kubernetes writes them. */
export function patchExtensions(meta: FieldPatchMeta): JsonSchema {
  const out: JsonSchema = {};
  const strategies = [meta.strategy, meta.retainKeys ? 'retainKeys' : undefined].filter((s) => s !== undefined);
  if (meta.mergeKey) out[PATCH_MERGE_KEY] = meta.mergeKey;
  if (strategies.length > 0) out[PATCH_STRATEGY] = strategies.join(',');
  return out;
}

export class SchemaWalker {
  constructor(private readonly set: DefinitionSet) {}

  /** The schema of one value; object types become definitions and are referenced. */
  convert(desc: Description, at: { parent: TypeName; field: string }, patch: PatchSchema): JsonSchema {
    const out = this.convertBare(desc, at, patch);
    const description = desc.flags?.description;
    return typeof description === 'string' ? { ...out, description } : out;
  }

  private convertBare(desc: Description, at: { parent: TypeName; field: string }, patch: PatchSchema): JsonSchema {
    switch (desc.type) {
      case 'string': {
        if (rule(desc, 'isoDate')) return ref(TIME);
        const out: JsonSchema = { type: 'string' };
        if (desc.flags?.only && desc.allow?.length) out.enum = [...desc.allow];
        return lengthLimits(desc, out, 'minLength', 'maxLength');
      }
      case 'number': {
        const out: JsonSchema = { type: rule(desc, 'integer') ? 'integer' : 'number' };
        if (desc.flags?.only && desc.allow?.length) out.enum = [...desc.allow];
        return numberLimits(desc, out);
      }
      case 'boolean':
        return { type: 'boolean' };
      case 'array': {
        const item = desc.items?.[0];
        const out: JsonSchema = { type: 'array', items: item ? this.convert(item, at, patch) : {} };
        return lengthLimits(desc, out, 'minItems', 'maxItems');
      }
      case 'object':
        return this.object(desc, at, patch);
      case 'any':
        switch (customKind(desc)) {
          case 'quantity':
            return ref(QUANTITY);
          case 'int-or-string':
            return ref(INT_OR_STRING);
          case 'port':
            return { type: 'integer', minimum: 1, maximum: 65535 };
          default:
            return {};
        }
      default:
        // alternatives, links and the like: say nothing rather than something wrong
        return {};
    }
  }

  private object(desc: Description, at: { parent: TypeName; field: string }, patch: PatchSchema): JsonSchema {
    if (desc.keys) {
      const name = nestedTypeName(at.parent, at.field);
      return ref(this.objectType(desc, name, patch));
    }
    const rule = desc.patterns?.[0]?.rule;
    if (rule) return { type: 'object', additionalProperties: this.convert(rule, at, patch) };
    return desc.flags?.unknown ? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } : { type: 'object' };
  }

  /** Registers the object type `desc` as `name`; returns the definition name used. */
  objectType(desc: Description, name: TypeName, patch: PatchSchema, extra: JsonSchema = {}): string {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [field, child] of Object.entries(desc.keys ?? {})) {
      // ObjectMeta is one type everywhere, so its merge keys are too, even in a kind without a
      // strategic merge schema of its own.
      const meta = field === 'metadata' ? OBJECT_META_PATCH : fieldMeta(patch, field);
      const schema = this.convert(child, { parent: name, field }, meta.fields ?? {});
      const description = schema.description ?? FIELD_DESCRIPTIONS[`${name.name}.${field}`] ?? FIELD_DESCRIPTIONS[field];
      properties[field] = { ...schema, ...(description ? { description } : {}), ...patchExtensions(meta) };
      if (child.flags?.presence === 'required') required.push(field);
    }
    const description = desc.flags?.description ?? TYPE_DESCRIPTIONS[name.name];
    const schema: JsonSchema = { type: 'object', ...(description ? { description } : {}), ...extra, properties };
    if (required.length > 0) schema.required = required;
    if (desc.flags?.unknown) schema['x-kubernetes-preserve-unknown-fields'] = true;
    return this.set.add(qualified(name), schema);
  }
}

const OBJECT_META_PATCH: FieldPatchMeta = fieldMeta(patchSchemaFor('Pod') ?? {}, 'metadata');

/**
 * Adds a kind and its list kind, with their group-version-kind; returns both definition names.
 */
export function addKind(walker: SchemaWalker, set: DefinitionSet, def: ResourceDefinition): { kind: string; list: string } {
  const pkg = packageOf(def.group, def.version);
  const where = def.namespaced ? 'namespaced' : 'cluster-scoped';
  const description =
    `${def.kind} (${apiVersionOf(def)}), a ${where} resource: ${def.plural}` +
    (def.shortNames.length ? ` (short: ${def.shortNames.join(', ')})` : '') +
    '. Its spec is the desired state; its status is what the system observed.';
  const kind = walker.objectType(def.schema.describe() as Description, { pkg, name: def.kind }, patchSchemaFor(def.kind) ?? {}, {
    description,
    [GVK_EXTENSION]: [{ group: def.group, version: def.version, kind: def.kind }],
  });
  const list = set.add(`${pkg}.${def.listKind}`, {
    type: 'object',
    description: `A list of ${def.kind} objects.`,
    required: ['items'],
    properties: {
      apiVersion: API_VERSION_FIELD,
      items: { type: 'array', items: ref(kind), description: `The ${def.plural}.` },
      kind: KIND_FIELD,
      metadata: { ...ref(LIST_META), description: 'Standard list metadata.' },
    },
    [GVK_EXTENSION]: [{ group: def.group, version: def.version, kind: def.listKind }],
  });
  return { kind, list };
}
