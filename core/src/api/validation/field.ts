// Field paths and the causes of an Invalid error, in Kubernetes' notation and wording, so that
// clients that print or parse `Status.details.causes` see what they expect.
import type { StatusCause } from '../types.js';

/** The `reason` of a `StatusCause`: Kubernetes' CauseType values, plus FieldValueUnknown. */
export const CauseReasons = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  NotFound: 'FieldValueNotFound',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Forbidden: 'FieldValueForbidden',
  TypeInvalid: 'FieldValueTypeInvalid',
  /** A field the schema does not know (strict decoding). */
  Unknown: 'FieldValueUnknown',
  Internal: 'InternalError',
} as const;
export type CauseReason = (typeof CauseReasons)[keyof typeof CauseReasons];

/**
 * A path to a field: `spec.containers[0].ports[1].containerPort`, `metadata.labels[app]`.
 * Immutable; each step returns a new path.
 */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static of(...names: string[]): FieldPath {
    return new FieldPath('').child(...names);
  }

  child(...names: string[]): FieldPath {
    let text = this.text;
    for (const name of names) text = text ? `${text}.${name}` : name;
    return new FieldPath(text);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  /** A key of a map field (labels, data, resources.requests, ...). */
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

export type PathLike = FieldPath | string;

const MAX_VALUE_TEXT = 120;

/** How a value appears in a cause message: strings quoted, structures as (truncated) JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}...` : text;
}

function cause(reason: CauseReason, path: PathLike, message: string): StatusCause {
  return { reason, message, field: String(path) };
}

function withDetail(head: string, detail?: string): string {
  return detail ? `${head}: ${detail}` : head;
}

export function requiredValue(path: PathLike, detail?: string): StatusCause {
  return cause(CauseReasons.Required, path, withDetail('Required value', detail));
}

export function invalidValue(path: PathLike, value: unknown, detail: string): StatusCause {
  return cause(CauseReasons.Invalid, path, withDetail(`Invalid value: ${formatValue(value)}`, detail));
}

export function unsupportedValue(path: PathLike, value: unknown, supported: readonly string[]): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return cause(CauseReasons.NotSupported, path, `Unsupported value: ${formatValue(value)}: supported values: ${list}`);
}

export function duplicateValue(path: PathLike, value: unknown): StatusCause {
  return cause(CauseReasons.Duplicate, path, `Duplicate value: ${formatValue(value)}`);
}

export function notFoundValue(path: PathLike, value: unknown, detail?: string): StatusCause {
  return cause(CauseReasons.NotFound, path, withDetail(`Not found: ${formatValue(value)}`, detail));
}

export function tooLongValue(path: PathLike, max: number, unit = 'characters'): StatusCause {
  return cause(CauseReasons.TooLong, path, `Too long: may not be more than ${max} ${unit}`);
}

export function tooManyItems(path: PathLike, actual: number, max: number): StatusCause {
  return cause(CauseReasons.TooMany, path, `Too many: ${actual}: must have at most ${max} items`);
}

export function forbiddenField(path: PathLike, detail: string): StatusCause {
  return cause(CauseReasons.Forbidden, path, `Forbidden: ${detail}`);
}

export function typeInvalidValue(path: PathLike, value: unknown, detail: string): StatusCause {
  return cause(CauseReasons.TypeInvalid, path, withDetail(`Invalid value: ${formatValue(value)}`, detail));
}

export function unknownField(path: PathLike): StatusCause {
  return cause(CauseReasons.Unknown, path, 'Unknown field');
}

export function internalCause(path: PathLike, detail: string): StatusCause {
  return cause(CauseReasons.Internal, path, `Internal error: ${detail}`);
}

/** `spec.containers[0].name: Required value`, the form used in an Invalid error's message. */
export function formatCause(c: StatusCause): string {
  const message = c.message ?? c.reason ?? 'invalid';
  return c.field ? `${c.field}: ${message}` : message;
}

/** Drops exact repeats; keeps the order of first appearance. */
export function dedupeCauses(causes: readonly StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  const out: StatusCause[] = [];
  for (const c of causes) {
    const id = `${c.reason}\u0000${c.field}\u0000${c.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(c);
  }
  return out;
}
