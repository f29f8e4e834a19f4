// The protobuf tables against the object model: every field a built-in kind's joi schema accepts
// has a protobuf field of the same shape, so any stored object can be written as protobuf and a
// new schema field without a table entry fails here rather than as a JSON fallback at run time.
import test from 'ava';
import type { Description } from 'joi';
import { createBuiltinResources } from '../../../src/api/index.js';
import { apiVersionOf } from '../../../src/api/resource.js';
import { messageForKind } from '../../../src/server/protobuf/index.js';
import { isMessage, type FieldSpec, type MessageType } from '../../../src/server/protobuf/schema.js';

const MAP_TYPES = new Set(['stringMap', 'bytesMap', 'quantityMap']);

/**
 * Corral's shared schemas for conditions and replica counts list the fields of every kind's; each
 * Kubernetes kind has only some, and protobuf can carry only those (an object holding another is
 * answered in JSON, with a Warning).
 */
const CONDITION_EXTRAS = new Set(['lastUpdateTime', 'lastProbeTime', 'lastHeartbeatTime', 'observedGeneration']);
function sharedOnly(path: string, type: MessageType): boolean {
  const name = path.slice(path.lastIndexOf('.') + 1);
  if (path.endsWith(`conditions[].${name}`) && CONDITION_EXTRAS.has(name)) return true;
  return type.name === 'k8s.io.api.apps.v1.DeploymentStatus' && name === 'fullyLabeledReplicas';
}

/** Problems with `type` as the table for the joi object `schema`, at `path`. */
function compare(schema: Description, type: MessageType, path: string, top: boolean): string[] {
  const problems: string[] = [];
  for (const [name, child] of Object.entries(schema.keys ?? {}) as [string, Description][]) {
    const where = path ? `${path}.${name}` : name;
    if (top && (name === 'apiVersion' || name === 'kind')) continue;
    // managedFields is server-side apply's, which Corral does not serve.
    if (name === 'managedFields') continue;
    const spec = type.byName.get(name);
    if (!spec) {
      if (sharedOnly(where, type)) continue;
      problems.push(`${where}: no field in ${type.name}`);
      continue;
    }
    problems.push(...compareField(child, spec, name, where));
  }
  return problems;
}

function compareField(schema: Description, spec: FieldSpec, name: string, where: string): string[] {
  // Inline fields are looked up through their embedding message.
  const field = spec.inline && isMessage(spec.type) ? spec.type.byName.get(name)! : spec;
  if (schema.type === 'array') {
    if (!field.list) return [`${where}: a list in the schema, not in the table`];
    const item = (schema.items as Description[] | undefined)?.[0];
    if (!item) return [];
    return compareValue(item, field, `${where}[]`);
  }
  if (field.list) return [`${where}: a list in the table, not in the schema`];
  return compareValue(schema, field, where);
}

function compareValue(schema: Description, field: FieldSpec, where: string): string[] {
  if (schema.type === 'object') {
    const patterned = Array.isArray(schema.patterns) && schema.patterns.length > 0;
    if (patterned) return MAP_TYPES.has(field.type as string) ? [] : [`${where}: a map in the schema, ${describe(field)} in the table`];
    if (!isMessage(field.type)) return [`${where}: an object in the schema, ${describe(field)} in the table`];
    if (schema.flags && (schema.flags as { unknown?: boolean }).unknown) return [];
    return compare(schema, field.type, where, false);
  }
  if (isMessage(field.type) || MAP_TYPES.has(field.type)) return [`${where}: a ${schema.type} in the schema, ${describe(field)} in the table`];
  const expected: Record<string, string[]> = {
    string: ['string', 'time', 'microtime', 'bytes'],
    number: ['int'],
    boolean: ['bool'],
    any: ['quantity', 'intstr', 'int'],
  };
  const allowed = expected[schema.type ?? 'any'] ?? [];
  return allowed.includes(field.type) ? [] : [`${where}: a ${schema.type} in the schema, ${describe(field)} in the table`];
}

function describe(field: FieldSpec): string {
  return isMessage(field.type) ? field.type.name : field.type;
}

for (const def of createBuiltinResources()) {
  test(`${def.kind}: every field of the schema has a protobuf field of the same shape`, (t) => {
    const type = messageForKind(apiVersionOf(def), def.kind);
    if (!type) return t.fail(`no protobuf message for ${def.kind}`);
    t.deepEqual(compare(def.schema.describe(), type, '', true), []);
  });
}
