import type { Schema, ValidationErrorItem } from 'joi';
import type { Problems } from '../Problems.js';
import type { Origin } from './paths.js';

/** Anything that validates like a joi schema (plugins may bring their own copy of joi). */
export function isJoiSchema(value: unknown): value is Schema {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Schema>).validate === 'function' &&
    typeof (value as Partial<Schema>).describe === 'function'
  );
}

/**
 * Validates `value` against `schema`, reporting every failure at `origin` + the failing path.
 * Returns the validated value (with joi's defaults and conversions), or undefined when invalid.
 */
export function joiCheck<T>(schema: Schema, value: unknown, origin: Origin, problems: Problems): { ok: true; value: T } | { ok: false } {
  const result = schema.validate(value, { abortEarly: false, errors: { label: false } });
  if (!result.error) return { ok: true, value: result.value as T };
  for (const detail of result.error.details) {
    problems.at(origin, explain(schema, detail), detail.path);
  }
  return { ok: false };
}

/** joi's message, with the allowed keys spelled out for unknown ones (the usual typo). */
function explain(schema: Schema, detail: ValidationErrorItem): string {
  if (detail.type !== 'object.unknown') return detail.message;
  const allowed = keysAt(schema.describe() as SchemaShape, detail.path.slice(0, -1));
  return allowed && allowed.length > 0 ? `unknown key; expected one of: ${allowed.join(', ')}` : 'unknown key';
}

/** The part of joi's `describe()` output that says which keys an object allows. */
interface SchemaShape {
  keys?: Record<string, SchemaShape>;
  items?: SchemaShape[];
}

function keysAt(desc: SchemaShape, path: readonly (string | number)[]): string[] | undefined {
  let node: SchemaShape | undefined = desc;
  for (const part of path) {
    if (!node) return undefined;
    node = typeof part === 'number' ? (node.items?.length === 1 ? node.items[0] : undefined) : node.keys?.[part];
  }
  return node?.keys ? Object.keys(node.keys) : undefined;
}
