// Joi validation of a whole object, split so that the parts that repeat from object to object are
// checked once per distinct value: a Deployment's 3,000 pods share one spec, their labels and
// owner references, and joi costs most of a write. The object's own fields (its name, uid,
// timestamps, anything unknown) are still checked every time.
//
// The answer is exactly joi's: each part is validated inside wrapper objects that rebuild its
// path, so paths, labels and messages are those of the whole schema, and the errors are put back
// in the order joi reports them (schema keys in order, then unknown keys). Only values joi found
// valid are remembered, keyed by their JSON (jsonKey.ts). A part whose schema refers outside
// itself (a ref or `when` reaching above it, links) is never split off, nor is anything below a
// node with rules across keys (dependencies, patterns, renames). A part whose values rarely
// repeat (an Event's object reference) is checked in place for a while, so it costs nothing extra.
// Values the compiled check passes (fastCheck.ts: most of them) skip all of this.
import Joi from 'joi';
import { passesFastCheck } from './fastCheck.js';
import { isPlainObject, jsonKey } from './jsonKey.js';

type Path = readonly string[];
type Item = Joi.ValidationErrorItem;

const OPTIONS: Joi.ValidationOptions = { abortEarly: false, convert: false, allowUnknown: false };
/** Remembered valid values per part; the set starts over when full. */
const MAX_REMEMBERED = 4096;
/** Keys of the object's metadata are the one level split below the top. */
const SPLIT_BELOW = 'metadata';
/** A part is judged every this many checks: below the hit rate, it goes back in place... */
const JUDGE_EVERY = 64;
const MIN_HIT_RATE = 0.25;
/** ...until its node has been validated this many times more. */
const RETRY_AFTER = 2048;

interface ChildTerm {
  key: string;
  schema: Joi.Schema;
}

interface Part {
  readonly key: string;
  /** The child's schema wrapped in objects that rebuild its path from the root. */
  readonly wrapped: Joi.Schema;
  readonly path: Path;
  /** Joi says nothing about an absent optional child: it need not run. */
  readonly optional: boolean;
  readonly valid: Set<string>;
  /** Split off (true) or checked in place with the rest of its node. */
  active: boolean;
  checks: number;
  hits: number;
}

interface Node {
  readonly key: string;
  readonly path: Path;
  readonly terms: readonly ChildTerm[];
  /** The node's whole schema, wrapped: for values that are not plain objects. */
  readonly whole: Joi.Schema;
  readonly parts: readonly Part[];
  /** The split metadata (the top node only). */
  readonly inner?: Node;
  /** Each key's place in the schema: joi reports errors in this order, unknown keys last. */
  readonly ranks: ReadonlyMap<string, number>;
  /** The node with its active parts and its inner node accepting anything, wrapped. */
  rest: Joi.Schema;
  /** The same with the inner node's whole schema in place: when splitting it gains nothing. */
  restInline: Joi.Schema;
  /** Validations since the parts were last all split off. */
  runs: number;
}

/**
 * A kind is split once it has been validated this many times: the split needs the schema's
 * describe(), which costs as much as a few dozen validations, and kinds written rarely never pay.
 */
export const SPLIT_AFTER = 50;

interface Plan {
  /** The schema with the options set on it. */
  readonly whole: Joi.Schema;
  validations: number;
  /** The split, once made; null when the schema cannot be split. */
  split?: Node | null;
}

const plans = new WeakMap<Joi.Schema, Plan>();

function termsOf(schema: Joi.Schema): ChildTerm[] | undefined {
  const terms = (schema as unknown as { $_terms?: { keys?: ChildTerm[] | null } }).$_terms;
  return terms?.keys ?? undefined;
}

type Description = Record<string, unknown> & { keys?: Record<string, Description> };

/** A plain object schema: keys, at most a presence flag, nothing that looks at several keys. */
function splittable(schema: Joi.Schema, description: Description): boolean {
  if (schema.type !== 'object' || !termsOf(schema)) return false;
  for (const field of Object.keys(description)) {
    if (field === 'type' || field === 'keys') continue;
    if (field !== 'flags') return false;
    const flags = description.flags as Record<string, unknown>;
    if (Object.keys(flags).some((f) => f !== 'presence')) return false;
  }
  return true;
}

/** Description fields whose schemas validate values one container further down. */
const NESTING = new Set(['keys', 'items', 'ordered', 'patterns']);

/**
 * Whether a schema's answer depends on nothing but the value it is given: each reference (in a
 * `when`, a rule's argument, an allowed value) reaches no further up than the value itself
 * (`level` containers lie between the description and the value's root), and nothing is looked
 * up elsewhere (links, shared schemas, externals, global or root references).
 */
function selfContained(description: unknown, level = 0): boolean {
  if (Array.isArray(description)) return description.every((d) => selfContained(d, level));
  if (typeof description !== 'object' || description === null) return true;
  const d = description as Record<string, unknown>;
  if (d.type === 'link' || 'shared' in d || 'externals' in d) return false;
  const ref = d.ref as { ancestor?: unknown; type?: unknown } | undefined;
  if (ref !== undefined) {
    const ancestor = ref.ancestor ?? 1;
    return (ref.type === undefined || ref.type === 'value') && typeof ancestor === 'number' && ancestor <= level;
  }
  for (const [field, value] of Object.entries(d)) {
    if (NESTING.has(field) && typeof value === 'object' && value !== null) {
      if (!Object.values(value).every((child) => selfContained(child, level + 1))) return false;
    } else if (!selfContained(value, level)) {
      return false;
    }
  }
  return true;
}

function presenceOf(schema: Joi.Schema): string | undefined {
  return (schema as unknown as { _flags: { presence?: string } })._flags.presence;
}

/**
 * The schema wrapped in objects down `path`, with the options set on it: joi merges options
 * given to validate() on every call, but caches those a schema carries.
 */
function wrap(path: Path, schema: Joi.Schema): Joi.Schema {
  let out = schema;
  for (let i = path.length - 1; i >= 0; i--) out = Joi.object({ [path[i]!]: out });
  return out.prefs(OPTIONS);
}

/** The node's rest schemas for its parts as they stand. */
function restOf(node: Pick<Node, 'terms' | 'parts' | 'inner' | 'path'>, inline: boolean): Joi.Schema {
  const keys: Record<string, Joi.Schema> = {};
  for (const term of node.terms) {
    const part = node.parts.find((p) => p.key === term.key);
    const splitOff = part ? part.active : node.inner?.key === term.key && !inline;
    keys[term.key] = splitOff ? Joi.any() : term.schema;
  }
  return wrap(node.path, Joi.object(keys));
}

/** The plan of a node; `description` is the schema's describe(), taken once for the whole kind. */
function build(schema: Joi.Schema, description: Description, path: Path, key: string): Node | undefined {
  const terms = termsOf(schema);
  if (!terms || !splittable(schema, description)) return undefined;
  const parts: Part[] = [];
  let inner: Node | undefined;
  const ranks = new Map<string, number>();
  terms.forEach((term, i) => {
    ranks.set(term.key, i);
    const childPath = [...path, term.key];
    const child = description.keys?.[term.key];
    if (path.length === 0 && term.key === SPLIT_BELOW && child) {
      inner = build(term.schema, child, childPath, term.key);
      if (inner) return;
    }
    if ((term.schema.type === 'object' || term.schema.type === 'array') && child !== undefined && selfContained(child)) {
      const presence = presenceOf(term.schema);
      parts.push({
        key: term.key,
        wrapped: wrap(childPath, term.schema),
        path: childPath,
        optional: presence === undefined || presence === 'optional',
        valid: new Set(),
        active: true,
        checks: 0,
        hits: 0,
      });
    }
  });
  if (parts.length === 0 && !inner) return undefined;
  const shape = { terms, parts, path, ...(inner ? { inner } : {}) };
  return { ...shape, key, whole: wrap(path, schema), ranks, rest: restOf(shape, false), restInline: restOf(shape, true), runs: 0 };
}

/** The split of `schema`, or the schema with the options set on it (not split, or not yet). */
function planFor(schema: Joi.Schema): Node | Joi.Schema {
  let plan = plans.get(schema);
  if (plan === undefined) plans.set(schema, (plan = { whole: wrap([], schema), validations: 0 }));
  if (plan.split === undefined && ++plan.validations > SPLIT_AFTER) {
    plan.split = build(schema, schema.describe() as Description, [], '') ?? null;
  }
  return plan.split ?? plan.whole;
}

function nest(path: Path, value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]!]: out };
  return out;
}

function run(schema: Joi.Schema, value: unknown, into: Item[]): void {
  const { error } = schema.validate(value);
  if (error) into.push(...error.details);
}

function rebuild(node: Node): void {
  node.rest = restOf(node, false);
  node.restInline = restOf(node, true);
}

/** Counts the part's hit rate; a part that does not pay goes back in place (true). */
function judge(part: Part, hit: boolean): boolean {
  if (hit) part.hits++;
  if (++part.checks < JUDGE_EVERY) return false;
  const cold = part.hits < part.checks * MIN_HIT_RATE;
  part.checks = part.hits = 0;
  if (cold) part.active = false;
  return cold;
}

/** Checks an active part; true when the node must be rebuilt without it. */
function checkPart(part: Part, value: unknown, into: Item[]): boolean {
  if (value === undefined && part.optional) return false;
  const key = jsonKey(value);
  if (key !== undefined && part.valid.has(key)) return judge(part, true);
  const before = into.length;
  run(part.wrapped, nest(part.path, value), into);
  if (key !== undefined && into.length === before) {
    if (part.valid.size >= MAX_REMEMBERED) part.valid.clear();
    part.valid.add(key);
  }
  return judge(part, false);
}

/** Whether splitting the node's value saves anything: one of its active parts is present. */
function worthSplitting(node: Node, value: unknown): boolean {
  return isPlainObject(value) && node.parts.some((p) => p.active && value[p.key] !== undefined);
}

function checkNode(node: Node, value: unknown, into: Item[]): void {
  if (!isPlainObject(value)) {
    run(node.whole, nest(node.path, value), into);
    return;
  }
  if (++node.runs >= RETRY_AFTER) {
    node.runs = 0;
    if (node.parts.some((p) => !p.active)) {
      for (const p of node.parts) p.active = true;
      rebuild(node);
    }
  }
  const inner = node.inner;
  const splitInner = inner !== undefined && worthSplitting(inner, value[inner.key]);
  run(splitInner || !inner ? node.rest : node.restInline, nest(node.path, value), into);
  let changed = false;
  for (const part of node.parts) if (part.active && checkPart(part, value[part.key], into)) changed = true;
  if (changed) rebuild(node);
  if (splitInner) checkNode(inner, value[inner.key], into);
}

/** Joi's order: at each split level, by the key's place in the schema, unknown keys after. */
function compareItems(root: Node, a: Item, b: Item): number {
  let node: Node | undefined = root;
  for (let depth = 0; node; depth++) {
    const ka = a.path[depth];
    const kb = b.path[depth];
    if (ka === undefined || kb === undefined) return 0;
    const ra = node.ranks.get(String(ka)) ?? node.ranks.size;
    const rb = node.ranks.get(String(kb)) ?? node.ranks.size;
    if (ra !== rb) return ra - rb;
    if (ka !== kb) return 0;
    node = node.inner?.key === ka ? node.inner : undefined;
  }
  return 0;
}

/**
 * Joi's error details for `value` against `schema` (abortEarly off, no conversion, unknown keys
 * refused), as `schema.validate` gives them; repeated parts are checked once.
 */
export function validationDetails(schema: Joi.Schema, value: unknown): Item[] {
  // Most values are valid: the compiled check says so without joi, and joi explains the rest.
  if (passesFastCheck(schema, value)) return [];
  const plan = planFor(schema);
  const items: Item[] = [];
  if (Joi.isSchema(plan)) {
    run(plan, value, items);
    return items;
  }
  checkNode(plan, value, items);
  if (items.length > 1) items.sort((a, b) => compareItems(plan, a, b));
  return items;
}
