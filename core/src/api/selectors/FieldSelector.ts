// Field selectors (`?fieldSelector=spec.nodeName=node-1,status.phase!=Failed`): only equality on
// a few fields per kind, which the store's watchers can evaluate cheaply on every event.
import { ApiError } from '../errors.js';
import type { ResourceDefinition } from '../resource.js';
import { SelectorParseError } from './Selector.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** Fields every kind can be selected by. */
export const COMMON_SELECTABLE_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace'];

/** Escapes a value for the string form: `\`, `,` and `=` get a backslash. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

export class FieldSelector {
  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    const sorted = [...requirements].sort((a, b) => (a.field === b.field ? 0 : a.field < b.field ? -1 : 1));
    return new FieldSelector(sorted);
  }

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  /** A field absent from `fields` counts as the empty string (`spec.nodeName=` finds unbound pods). */
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = fields[r.field] ?? '';
      return r.operator === '!=' ? actual !== r.value : actual === r.value;
    });
  }

  isEverything(): boolean {
    return this.requirements.length === 0;
  }

  /** The value `field` must equal for any match, if the selector pins it. */
  requiredValue(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  fields(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }

  toString(): string {
    return this.requirements
      .map((r) => `${r.field}${r.operator === '==' ? '=' : r.operator}${escapeFieldValue(r.value)}`)
      .join(',');
  }
}

/** Splits at unescaped commas, keeping each term's offset for error messages. */
function splitTerms(input: string): { text: string; position: number }[] {
  const terms: { text: string; position: number }[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '\\') i++;
    else if (input[i] === ',') {
      terms.push({ text: input.slice(start, i), position: start });
      start = i + 1;
    }
  }
  terms.push({ text: input.slice(start), position: start });
  return terms;
}

function parseTerm(input: string, term: string, offset: number): FieldRequirement {
  let opAt = -1;
  let operator: FieldOperator = '=';
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '!' && term[i + 1] === '=') {
      [opAt, operator] = [i, '!='];
      break;
    } else if (ch === '=') {
      [opAt, operator] = term[i + 1] === '=' ? [i, '=='] : [i, '='];
      break;
    }
  }
  if (opAt < 0) {
    throw new SelectorParseError(input, offset, `"${term.trim()}" has no operator; use '=', '==' or '!='`);
  }
  const field = term.slice(0, opAt).trim();
  if (!field) throw new SelectorParseError(input, offset + opAt, `expected a field name before '${operator}'`);
  if (field.includes('\\')) throw new SelectorParseError(input, offset, `field name "${field}" may not contain '\\'`);
  const valueStart = opAt + operator.length;
  const raw = term.slice(valueStart);
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const at = offset + valueStart + i;
    if (ch === '\\') {
      const escaped = raw[i + 1];
      if (escaped !== '\\' && escaped !== ',' && escaped !== '=') {
        throw new SelectorParseError(input, at, `'\\' may only escape '\\', ',' or '='`);
      }
      value += escaped;
      i++;
    } else if (ch === '=') {
      throw new SelectorParseError(input, at, `unescaped '=' in the value of "${field}"; write it as '\\='`);
    } else {
      value += ch;
    }
  }
  return { field, operator, value: value.trim() };
}

/**
 * Parses `field=value`, `field==value`, `field!=value`, separated by commas (values escape `\`,
 * `,` and `=` with a backslash). Throws SelectorParseError with the character position.
 */
export function parseFieldSelector(input: string): FieldSelector {
  if (input.trim() === '') return FieldSelector.everything();
  return FieldSelector.of(splitTerms(input).map((t) => parseTerm(input, t.text, t.position)));
}

/** The field names `def` can be selected by, in a stable order. */
export function supportedFields(def: Pick<ResourceDefinition, 'selectableFields'>): string[] {
  return [...new Set([...COMMON_SELECTABLE_FIELDS, ...Object.keys(def.selectableFields ?? {})])].sort();
}

function valueAt(obj: unknown, path: string): string {
  let current: unknown = obj;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return '';
}

/** The values of every selectable field of `obj`, missing ones as ''. */
export function selectableFieldsOf(
  def: Pick<ResourceDefinition, 'selectableFields'>,
  obj: unknown,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of COMMON_SELECTABLE_FIELDS) fields[field] = valueAt(obj, field);
  for (const [field, path] of Object.entries(def.selectableFields ?? {})) fields[field] = valueAt(obj, path);
  return fields;
}

/** Throws a BadRequest ApiError naming the first field `def` cannot be selected by. */
export function checkFieldSelector(
  def: Pick<ResourceDefinition, 'selectableFields' | 'kind'>,
  selector: FieldSelector,
): void {
  const supported = supportedFields(def);
  for (const field of selector.fields()) {
    if (!supported.includes(field)) {
      throw ApiError.badRequest(
        `field selector "${field}" is not supported for ${def.kind}; supported fields: ${supported.join(', ')}`,
      );
    }
  }
}

/** Parses and checks `input` for `def`; the result tests an object. */
export function compileFieldSelector(
  def: Pick<ResourceDefinition, 'selectableFields' | 'kind'>,
  input: string,
): (obj: unknown) => boolean {
  const selector = parseFieldSelector(input);
  checkFieldSelector(def, selector);
  if (selector.isEverything()) return () => true;
  return (obj) => selector.matches(selectableFieldsOf(def, obj));
}
