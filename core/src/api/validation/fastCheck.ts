// A fast "valid or not" for a joi schema, compiled once per schema. Most objects written to the
// API are valid, and for those joi's answer is only "no errors"; its machinery (a state per
// value, preferences merged per node, a shallow clone of every object) costs several times the
// checks themselves. The compiled checker runs joi's own rule functions on the same values in a
// plain walk, and answers true only when joi would find nothing. Whatever it cannot tell, it
// answers false, and the caller runs joi for the exact errors: a node of a shape it does not
// know (see joiInternals.ts), a reference it cannot follow, a custom rule that asks for more
// than the value, an object that is not plain JSON.
import type Joi from 'joi';
import type { Chain, Check, Checker, ValueCheck } from './checker.js';
import { compileWhens } from './checkWhens.js';
import { isPlainObject } from './jsonKey.js';
import {
  BASE_TYPES,
  INERT_TERMS,
  internals,
  KNOWN_FLAGS,
  MESSAGE_PREFERENCES,
  PURE_RULES,
  type JoiKey,
  type JoiPattern,
  type JoiRule,
  type JoiSchema,
  type JoiValues,
  type JoiWhen,
  type RuleValidate,
} from './joiInternals.js';

const FAIL = Object.freeze({ failed: true });
const fail = (): unknown => FAIL;
const PREFS = Object.freeze({ abortEarly: false, convert: false, allowUnknown: false });
/** Joi's rules read the state only to place an error; the checker has found one by then. */
const STATE = Object.freeze({ path: Object.freeze([]), ancestors: Object.freeze([]), localize: () => STATE });

/** Strings a rule has passed, per rule; the set starts over when full. */
const REMEMBERED_STRINGS = 512;

const custom = BASE_TYPES.get('any')!._definition.rules.custom!.validate!;

function nonEmpty(term: readonly unknown[] | null | undefined): term is readonly unknown[] {
  return Array.isArray(term) && term.length > 0;
}

/** Whether an absent value passes this node whatever surrounds it. */
function absentIsFine(schema: JoiSchema): boolean {
  const flags = schema._flags;
  if (nonEmpty(schema.$_terms.whens) || flags.presence === 'required') return false;
  if (typeof flags.default === 'function' || typeof flags.default === 'symbol') return false;
  if (schema._preferences && Object.keys(schema._preferences).some((p) => !MESSAGE_PREFERENCES.has(p))) return false;
  return Object.keys(flags).every((f) => KNOWN_FLAGS.has(f));
}

/** Nodes the compiler left to joi, for opaquePath. */
const leftToJoi = new WeakSet<JoiSchema>();

/** A node the checker leaves to joi: fine when absent (if it surely is), unsure otherwise. */
function opaque(schema: JoiSchema): Checker {
  leftToJoi.add(schema);
  const absent = absentIsFine(schema);
  return { check: (value) => value === undefined && absent, exact: false, reach: 0, absent: absent || undefined };
}

function ruleCheck(schema: JoiSchema, rule: JoiRule): { check: ValueCheck; exact: boolean } | undefined {
  if (rule._resolve.length > 0) return undefined;
  const validate = schema._definition.rules[rule.method]?.validate;
  if (validate === undefined) return undefined;
  if (rule.method === 'custom') return validate === custom ? { check: customCheck(schema, rule, validate), exact: false } : undefined;
  const base = BASE_TYPES.get(schema.type)?._definition.rules[rule.method]?.validate;
  if (!PURE_RULES.get(schema.type)?.has(rule.method) || validate !== base) return undefined;
  const helpers = { schema, prefs: PREFS, state: STATE, error: fail, message: fail, warn: () => undefined, errorsArray: () => [] };
  const run = (value: unknown): boolean => {
    try {
      return validate(value, helpers, rule.args, rule) === value;
    } catch {
      return false;
    }
  };
  if (schema.type !== 'string') return { check: run, exact: true };
  // Strings repeat (timestamps within a second, names, images), and some rules are slow
  // (isoDate parses a Date): remember the ones that passed.
  const passed = new Set<unknown>();
  const check: ValueCheck = (value) => {
    if (passed.has(value)) return true;
    if (!run(value)) return false;
    if (passed.size >= REMEMBERED_STRINGS) passed.clear();
    passed.add(value);
    return true;
  };
  return { check, exact: true };
}

/**
 * A custom rule gets helpers that notice when it looks past the value (at the state, the
 * schema, the preferences): its answer may then depend on more than the checker knows.
 */
function customCheck(schema: JoiSchema, rule: JoiRule, validate: RuleValidate): ValueCheck {
  let peeked = false;
  const peek = <T>(value: T): T => {
    peeked = true;
    return value;
  };
  const helpers = {
    error: fail,
    message: fail,
    warn: () => undefined,
    errorsArray: () => [],
    get schema() {
      return peek(schema);
    },
    get state() {
      return peek(STATE);
    },
    get prefs() {
      return peek(PREFS);
    },
    get original() {
      return peek(undefined);
    },
  };
  return (value) => {
    peeked = false;
    // A rule that returns another value converts it; joi would go on with that one.
    return validate(value, helpers, rule.args, rule) === value && !peeked;
  };
}

/** How joi's Values.has answers, as a Set lookup when the values allow it. */
function membership(values: JoiValues | null, insensitive: boolean): ((value: unknown) => boolean) | null | undefined {
  if (values === null || values._values.size + values._refs.size === 0) return null;
  if (values._refs.size > 0) return undefined;
  const set = values._values;
  const primitive = [...set].every((v) => v === null || typeof v !== 'object');
  if (primitive && !insensitive) return (value) => set.has(value);
  return (value) => values.has(value, null, null, insensitive);
}

/** The rules of a node, `items` aside; undefined when one is not understood. */
function rulesOf(schema: JoiSchema, items?: Checker): { checks: ValueCheck[]; exact: boolean } | undefined {
  const checks: ValueCheck[] = [];
  let exact = true;
  for (const rule of schema._rules) {
    if (rule.warn) continue;
    if (rule.method === 'items' && schema.type === 'array') {
      if (!items) return undefined;
      checks.push(items.check);
      exact &&= items.exact;
      continue;
    }
    const compiled = ruleCheck(schema, rule);
    if (!compiled) return undefined;
    checks.push(compiled.check);
    exact &&= compiled.exact;
  }
  return { checks, exact };
}

function all(checks: readonly ValueCheck[]): ValueCheck {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (value, up) => {
    for (const check of checks) if (!check(value, up)) return false;
    return true;
  };
}

interface Body {
  check: ValueCheck;
  exact: boolean;
  reach: number;
}

function stringBody(schema: JoiSchema, rules: ValueCheck): ValueCheck {
  // As joi: '' is refused unless min(0) is asked for (allow('') was looked at already).
  const emptyOk = schema.$_getRule('min')?.args?.limit === 0;
  return (value, up) => typeof value === 'string' && (value !== '' || emptyOk) && rules(value, up);
}

function numberBody(schema: JoiSchema, rules: ValueCheck): ValueCheck {
  const unsafe = schema._flags.unsafe === true;
  return (value, up) =>
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value !== Infinity &&
    value !== -Infinity &&
    (unsafe || (value <= Number.MAX_SAFE_INTEGER && value >= Number.MIN_SAFE_INTEGER)) &&
    rules(value, up);
}

function arrayBody(schema: JoiSchema): Body | undefined {
  const terms = schema.$_terms;
  if (nonEmpty(terms.ordered) || nonEmpty(terms._exclusions) || nonEmpty(terms._requireds)) return undefined;
  const inclusions = ((terms._inclusions ?? []) as JoiSchema[]).map((s) => compile(s));
  const sparse = schema._flags.sparse === true;
  const reach = Math.max(0, ...inclusions.map((c) => c.reach - 1));
  const chained = inclusions.some((c) => c.reach > 0);
  const one = inclusions.length === 1 ? inclusions[0]!.check : undefined;
  const items: Checker = {
    exact: inclusions.every((c) => c.exact),
    reach,
    absent: undefined,
    check: (value, up) => {
      const list = value as unknown[];
      const chain = chained ? { value, up } : undefined;
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        if (item === undefined && !sparse) return false;
        if (one !== undefined) {
          if (!one(item, chain)) return false;
        } else if (inclusions.length > 0 && !inclusions.some((c) => c.check(item, chain))) {
          return false;
        }
      }
      return true;
    },
  };
  const rules = rulesOf(schema, items);
  if (!rules) return undefined;
  const check = all(rules.checks);
  return { check: (value, up) => Array.isArray(value) && check(value, up), exact: rules.exact, reach };
}

interface PatternCheck {
  regex?: RegExp;
  key?: ValueCheck;
  rule: Checker;
  fallthrough: boolean;
}

function patternsOf(patterns: readonly JoiPattern[]): PatternCheck[] | undefined {
  const out: PatternCheck[] = [];
  for (const p of patterns) {
    if (p.matches) return undefined;
    const rule = compile(p.rule);
    if (p.regex) {
      out.push({ regex: p.regex, rule, fallthrough: p.fallthrough === true });
      continue;
    }
    if (!p.schema) return undefined;
    // Whether a key matches must be known for sure: it decides which rule applies.
    const key = compile(p.schema);
    if (!key.exact || key.reach > 0) return undefined;
    out.push({ key: key.check, rule, fallthrough: p.fallthrough === true });
  }
  return out;
}

function objectBody(schema: JoiSchema): Body | undefined {
  const terms = schema.$_terms;
  if (nonEmpty(terms.renames) || nonEmpty(terms.dependencies) || nonEmpty(terms.externals)) return undefined;
  const keys = terms.keys as readonly JoiKey[] | null | undefined;
  const patternTerms = terms.patterns as readonly JoiPattern[] | null | undefined;
  const rules = rulesOf(schema);
  if (!rules) return undefined;
  const ownRules = all(rules.checks);
  if (!keys && !patternTerms) {
    // No keys and no patterns: joi looks at nothing inside.
    return {
      check: (value, up) => typeof value === 'object' && value !== null && !Array.isArray(value) && ownRules(value, up),
      exact: rules.exact,
      reach: 0,
    };
  }
  const patterns = patternTerms ? patternsOf(patternTerms) : [];
  if (!patterns) return undefined;
  const children = new Map<string, Checker>();
  for (const { key, schema: child } of keys ?? []) children.set(key, compile(child));
  // Children to ask about even when the value lacks them: required ones, conditional ones, and
  // keys an object inherits (joi reads `value[key]`, which finds Object.prototype's members).
  const askAlways = [...children].filter(([key, c]) => c.absent !== true || key in Object.prototype);
  const nested = [...children.values(), ...patterns.map((p) => p.rule)];
  const reach = Math.max(0, ...nested.map((c) => c.reach - 1));
  const chained = nested.some((c) => c.reach > 0);
  const allowUnknown = schema._flags.unknown === true;

  const otherKey = (key: string, item: unknown, chain: Chain | undefined): boolean => {
    let matched = false;
    for (const p of patterns) {
      if (p.regex ? !p.regex.test(key) : !p.key!(key, undefined)) continue;
      matched = true;
      if (!p.rule.check(item, chain)) return false;
      if (!p.fallthrough) break;
    }
    return matched || allowUnknown;
  };

  const askKeys = askAlways.map(([key]) => key);
  const askChecks = askAlways.map(([, c]) => c.check);
  const check: ValueCheck = (value, up) => {
    if (!isPlainObject(value)) return false;
    const chain = chained ? { value, up } : undefined;
    const own = Object.keys(value);
    for (let i = 0; i < own.length; i++) {
      const key = own[i]!;
      const child = children.get(key);
      if (child !== undefined) {
        if (!child.check(value[key], chain)) return false;
      } else if (!otherKey(key, value[key], chain)) {
        return false;
      }
    }
    for (let i = 0; i < askKeys.length; i++) {
      const key = askKeys[i]!;
      const item = value[key];
      if (item === undefined) {
        if (!askChecks[i]!(undefined, chain)) return false;
      } else if (!Object.prototype.hasOwnProperty.call(value, key) && !askChecks[i]!(item, chain)) {
        return false;
      }
    }
    return ownRules(value, up);
  };
  return { check, exact: false, reach };
}

function bodyOf(schema: JoiSchema): Body | undefined {
  if (schema.type === 'object') return objectBody(schema);
  if (schema.type === 'array') return arrayBody(schema);
  const rules = rulesOf(schema);
  if (!rules) return undefined;
  const check = all(rules.checks);
  const exact = rules.exact;
  switch (schema.type) {
    case 'any':
      return { check, exact, reach: 0 };
    case 'string':
      return { check: stringBody(schema, check), exact, reach: 0 };
    case 'number':
      return { check: numberBody(schema, check), exact, reach: 0 };
    case 'boolean':
      return { check: (value, up) => typeof value === 'boolean' && check(value, up), exact, reach: 0 };
    default:
      return undefined;
  }
}

const HANDLED_TERMS: Readonly<Record<string, ReadonlySet<string>>> = {
  object: new Set(['keys', 'patterns', 'renames', 'dependencies']),
  array: new Set(['items', 'ordered', '_exclusions', '_inclusions', '_requireds']),
};

/** Whether the compiler knows every part of the node itself (its children are asked apart). */
function understood(schema: JoiSchema): boolean {
  const base = BASE_TYPES.get(schema.type);
  if (!base || schema._definition.validate !== base._definition.validate) return false;
  if (!Object.keys(schema._flags).every((f) => KNOWN_FLAGS.has(f))) return false;
  if (typeof schema._flags.default === 'function' || typeof schema._flags.default === 'symbol') return false;
  if (schema._preferences && Object.keys(schema._preferences).some((p) => !MESSAGE_PREFERENCES.has(p))) return false;
  const handled = HANDLED_TERMS[schema.type];
  for (const [name, term] of Object.entries(schema.$_terms)) {
    if (name === 'whens' || INERT_TERMS.has(name) || handled?.has(name)) continue;
    if (nonEmpty(term)) return false;
  }
  return true;
}

/** The node itself, its `when`s set aside (they were applied to make it, when it has any). */
function compileNode(schema: JoiSchema): Checker {
  if (!understood(schema)) return opaque(schema);
  const flags = schema._flags;
  const insensitive = flags.insensitive === true;
  const valid = membership(schema._valids, insensitive);
  const invalid = membership(schema._invalids, insensitive);
  if (valid === undefined || invalid === undefined) return opaque(schema);
  const body = bodyOf(schema);
  if (!body) return opaque(schema);
  const required = flags.presence === 'required';
  const forbidden = flags.presence === 'forbidden';
  const only = flags.only === true;
  const inner = body.check;
  // The order is joi's: presence, allowed values, refused values, the type, the rules.
  const check: Check = (value, up) => {
    if (value === undefined) return !required;
    if (forbidden) return false;
    if (valid !== null && valid(value)) return true;
    if (only) return false;
    if (invalid !== null && invalid(value)) return false;
    return inner(value, up);
  };
  return { check, exact: body.exact, reach: body.reach, absent: !required };
}

const compiled = new WeakMap<JoiSchema, Checker>();
const COMPILERS = { compile, compileNode, opaque };

function compile(schema: JoiSchema): Checker {
  let checker = compiled.get(schema);
  if (checker === undefined) {
    checker = nonEmpty(schema.$_terms.whens) ? compileWhens(schema, COMPILERS) : compileNode(schema);
    compiled.set(schema, checker);
  }
  return checker;
}

/**
 * True when joi, with abortEarly off, no conversion and unknown keys refused, finds no error in
 * `value`; false when it finds one, or when the checker cannot tell (then ask joi).
 */
export function passesFastCheck(schema: Joi.Schema, value: unknown): boolean {
  return compile(internals(schema)).check(value, undefined);
}

/**
 * The path of the first node left to joi (by key order; `[*]` a map's values, `[]` an array's
 * items), or undefined when the compiler understood the whole schema: then every value joi
 * accepts passes the check too, but for custom rules that convert a value or look past it, and
 * objects that are not plain JSON (those are left to joi value by value).
 */
export function opaquePath(schema: Joi.Schema): string | undefined {
  return findOpaque(internals(schema), new Set(), '');
}

function findOpaque(schema: JoiSchema, seen: Set<JoiSchema>, path: string): string | undefined {
  if (seen.has(schema)) return undefined;
  seen.add(schema);
  compile(schema);
  if (leftToJoi.has(schema)) return path || '(root)';
  const terms = schema.$_terms;
  const children: [JoiSchema, string][] = [];
  for (const { key, schema: child } of (terms.keys ?? []) as JoiKey[]) children.push([child, path ? `${path}.${key}` : key]);
  for (const p of (terms.patterns ?? []) as JoiPattern[]) children.push([p.rule, `${path}[*]`]);
  for (const item of (terms.items ?? []) as JoiSchema[]) children.push([item, `${path}[]`]);
  for (const when of (terms.whens ?? []) as JoiWhen[]) {
    for (const branch of [when.then, when.otherwise]) if (branch) children.push([branch, `${path}(when)`]);
  }
  for (const [child, at] of children) {
    const found = findOpaque(child, seen, at);
    if (found) return found;
  }
  return undefined;
}
