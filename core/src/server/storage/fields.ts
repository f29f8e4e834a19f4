// `fieldValidation=Warn|Ignore`: unknown fields are dropped before the object is checked (with
// Strict, the default, they reach validation and make the request fail with 422).
import { isRecord } from '../../api/objects.js';
import type { ResourceDefinition } from '../../api/resource.js';
import type { FieldValidation } from '../query.js';

function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

function removeAt(obj: unknown, path: readonly (string | number)[]): void {
  let current: unknown = obj;
  for (const part of path.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string | number, unknown>)[part];
  }
  const last = path[path.length - 1];
  if (last !== undefined && isRecord(current)) delete current[String(last)];
}

/** Removes the fields `def`'s schema does not know from `obj` (in place); returns their paths. */
export function dropUnknownFields(def: ResourceDefinition, obj: unknown): string[] {
  const { error } = def.schema.validate(obj, { abortEarly: false, convert: false, allowUnknown: false });
  if (!error) return [];
  const dropped: string[] = [];
  for (const item of error.details) {
    if (item.type !== 'object.unknown') continue;
    removeAt(obj, item.path);
    dropped.push(formatPath(item.path));
  }
  return dropped;
}

/**
 * Applies `fieldValidation` to a body before it is prepared: Strict leaves unknown fields for
 * validation to refuse; Warn and Ignore drop them, Warn adding one warning per field.
 */
export function applyFieldValidation(def: ResourceDefinition, body: unknown, mode: FieldValidation, warnings: Set<string>): void {
  if (mode === 'Strict') return;
  const dropped = dropUnknownFields(def, body);
  if (mode === 'Warn') for (const field of dropped) warnings.add(`unknown field "${field}"`);
}
