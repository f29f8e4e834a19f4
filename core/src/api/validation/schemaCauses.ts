// Runs a kind's joi schema and turns every joi error into a Kubernetes StatusCause with the
// field path in Kubernetes' notation: map keys in brackets (`metadata.labels[app]`), struct
// fields with dots. Which is which comes from the schema's own description.
import type Joi from 'joi';
import type { StatusCause } from '../types.js';
import { TypeMismatch } from '../schemas/common.js';
import {
  CauseReasons,
  duplicateValue,
  invalidValue,
  requiredValue,
  tooLongValue,
  typeInvalidValue,
  unknownField,
  unsupportedValue,
} from './field.js';
import { validationDetails } from './splitSchema.js';

/** The parts of joi's `describe()` output this module reads. */
interface Description {
  type?: string;
  keys?: Record<string, Description>;
  patterns?: { rule?: Description }[];
  items?: Description[];
  rules?: { name: string }[];
}

const descriptions = new WeakMap<Joi.Schema, Description>();

function describe(schema: Joi.Schema): Description {
  let description = descriptions.get(schema);
  if (!description) {
    description = schema.describe() as Description;
    descriptions.set(schema, description);
  }
  return description;
}

/** Renders joi's path and finds the schema node at its end. */
function locate(root: Description, path: readonly (string | number)[]): { field: string; node?: Description } {
  let field = '';
  let node: Description | undefined = root;
  for (const segment of path) {
    if (typeof segment === 'number') {
      field += `[${segment}]`;
      node = node?.items?.[0];
    } else if (node?.keys && segment in node.keys) {
      field += field ? `.${segment}` : segment;
      node = node.keys[segment];
    } else if (node?.patterns?.length) {
      field += `[${segment}]`;
      node = node.patterns[0]!.rule;
    } else {
      field += field ? `.${segment}` : segment;
      node = undefined;
    }
  }
  return { field, node };
}

function expectedType(item: Joi.ValidationErrorItem, node: Description | undefined): string {
  if (item.type === 'number.integer') return 'integer';
  if (node?.type === 'number' && node.rules?.some((r) => r.name === 'integer')) return 'integer';
  return node?.type ?? item.type.split('.')[0]!;
}

const TYPE_ERRORS = new Set([
  'string.base',
  'number.base',
  'number.integer',
  'number.infinity',
  'number.unsafe',
  'boolean.base',
  'object.base',
  'array.base',
]);

function toCause(item: Joi.ValidationErrorItem, root: Description): StatusCause {
  const { field, node } = locate(root, item.path);
  const ctx = item.context ?? {};
  const value: unknown = ctx.value;
  if (TYPE_ERRORS.has(item.type)) {
    return typeInvalidValue(field, value, `must be of type ${expectedType(item, node)}`);
  }
  switch (item.type) {
    case 'object.unknown':
      return unknownField(field);
    case 'any.required':
    case 'string.empty':
      return requiredValue(field);
    case 'array.min':
      return ctx.limit === 1 ? requiredValue(field) : invalidValue(field, value, `must have at least ${ctx.limit} items`);
    case 'any.only':
      return unsupportedValue(
        field,
        value,
        ((ctx.valids as unknown[]) ?? []).filter((v): v is string => typeof v === 'string'),
      );
    case 'number.min':
      return invalidValue(field, value, `must be greater than or equal to ${ctx.limit}`);
    case 'number.max':
      return invalidValue(field, value, `must be less than or equal to ${ctx.limit}`);
    case 'number.greater':
      return invalidValue(field, value, `must be greater than ${ctx.limit}`);
    case 'number.less':
      return invalidValue(field, value, `must be less than ${ctx.limit}`);
    case 'string.max':
      return tooLongValue(field, Number(ctx.limit));
    case 'string.isoDate':
      return invalidValue(field, value, 'must be an RFC 3339 date-time (e.g. 2024-01-31T12:00:00Z)');
    case 'array.unique':
      return duplicateValue(`${field}[${String(ctx.pos)}]`, value);
    case 'any.custom': {
      const error = ctx.error as Error | undefined;
      const detail = error?.message ?? 'is not valid';
      return error instanceof TypeMismatch ? typeInvalidValue(field, value, detail) : invalidValue(field, value, detail);
    }
    default:
      return invalidValue(field, value, item.message.replace(/^"[^"]*" /, ''));
  }
}

/** Every problem joi finds in `value`; a wrong type on a field hides the other complaints about it. */
export function schemaCauses(schema: Joi.Schema, value: unknown): StatusCause[] {
  const details = validationDetails(schema, value);
  if (details.length === 0) return [];
  const root = describe(schema);
  const causes = details.map((item) => toCause(item, root));
  const mistyped = new Set(causes.filter((c) => c.reason === CauseReasons.TypeInvalid).map((c) => c.field));
  return causes.filter((c) => c.reason === CauseReasons.TypeInvalid || !mistyped.has(c.field));
}
