// The view of joi's schema objects that the fast checker compiles from. describe() would give
// the same tree, but as text: regexes and custom functions would have to be rebuilt, and rules
// re-implemented. The schema objects carry joi's own rule functions, so the checker runs the very
// code joi runs for each rule, and only the walk around them is new. Everything here is read
// only; anything of a shape this module does not recognise is left to joi.
import Joi from 'joi';

/** joi's set of allowed or refused values (`valid()`, `allow()`, `invalid()`). */
export interface JoiValues {
  readonly _values: Set<unknown>;
  readonly _refs: Set<unknown>;
  has(value: unknown, state: null, prefs: null, insensitive: boolean | undefined): boolean;
}

/** A reference (`Joi.ref('...dnsPolicy')`, or the condition of a `when`). */
export interface JoiRef {
  readonly type: string;
  readonly ancestor: number | 'root' | undefined;
  readonly path: readonly (string | number)[];
  readonly adjust: unknown;
  readonly map: unknown;
  readonly in: boolean | undefined;
  readonly iterables: unknown;
}

export interface JoiRule {
  readonly name: string;
  readonly method: string;
  readonly args: Record<string, unknown> | null;
  readonly _resolve: readonly string[];
  readonly warn?: boolean;
}

export type RuleValidate = (value: unknown, helpers: object, args: unknown, rule: JoiRule) => unknown;

export interface JoiDefinition {
  readonly validate?: unknown;
  readonly rules: Readonly<Record<string, { validate?: RuleValidate } | undefined>>;
}

export interface JoiWhen {
  readonly ref?: JoiRef | null;
  readonly is?: JoiSchema;
  readonly then?: JoiSchema;
  readonly otherwise?: JoiSchema;
  readonly switch?: readonly { is: JoiSchema; then?: JoiSchema; otherwise?: JoiSchema }[];
  readonly break?: boolean;
  readonly concat?: JoiSchema;
}

export interface JoiKey {
  readonly key: string;
  readonly schema: JoiSchema;
}

export interface JoiPattern {
  readonly regex?: RegExp;
  readonly schema?: JoiSchema;
  readonly rule: JoiSchema;
  readonly fallthrough?: boolean;
  readonly matches?: unknown;
}

export interface JoiSchema {
  readonly type: string;
  readonly _flags: Readonly<Record<string, unknown>>;
  readonly _valids: JoiValues | null;
  readonly _invalids: JoiValues | null;
  readonly _rules: readonly JoiRule[];
  readonly _preferences: Readonly<Record<string, unknown>> | null;
  readonly _definition: JoiDefinition;
  readonly $_terms: Readonly<Record<string, readonly unknown[] | null | undefined>>;
  $_getRule(name: string): JoiRule | undefined;
  concat(other: JoiSchema): JoiSchema;
}

export function internals(schema: Joi.Schema): JoiSchema {
  return schema as unknown as JoiSchema;
}

/** The plain schema of each type the checker compiles: extensions that change a type are not. */
export const BASE_TYPES: ReadonlyMap<string, JoiSchema> = new Map(
  [Joi.any(), Joi.string(), Joi.number(), Joi.boolean(), Joi.object(), Joi.array()].map((s) => [s.type!, internals(s)]),
);

/**
 * Rules whose joi implementation decides from the value and the rule's own arguments alone
 * (with conversion off), per type; `custom` is handled apart, and `items` by the compiler.
 */
export const PURE_RULES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['any', new Set<string>()],
  ['boolean', new Set<string>()],
  [
    'string',
    new Set([
      'alphanum', 'base64', 'case', 'creditCard', 'dataUri', 'domain', 'email', 'guid', 'hex', 'hostname', 'ip',
      'isoDate', 'isoDuration', 'length', 'normalize', 'pattern', 'token', 'trim', 'uri',
    ]),
  ],
  ['number', new Set(['compare', 'integer', 'multiple', 'port', 'precision', 'sign'])],
  ['object', new Set(['length'])],
  ['array', new Set(['length', 'unique'])],
]);

/**
 * Flags that do not change whether a value is valid: labels and messages, presence and
 * `only` (which the checker reads), and the per-type switches it honours.
 */
export const KNOWN_FLAGS: ReadonlySet<string> = new Set([
  'label', 'description', 'unit', 'id', 'error', 'artifact', 'presence', 'only', 'default', 'insensitive',
  'unknown', 'sparse', 'unsafe', 'sensitive', 'truncate',
]);

/** Preferences that only shape error messages. */
export const MESSAGE_PREFERENCES: ReadonlySet<string> = new Set(['messages', 'errors']);

/** Terms that never change the answer (documentation, and conversions that need `convert`). */
export const INERT_TERMS: ReadonlySet<string> = new Set([
  'alterations', 'examples', 'metas', 'notes', 'tags', 'replacements', 'truthy', 'falsy',
]);
