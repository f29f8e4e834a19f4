// The patch `kubectl apply` sends: from the configuration it applied last time (kept in the
// last-applied annotation), the configuration it applies now, and the live object. Fields the
// user dropped from the manifest since last time are deleted; fields the manifest sets are set;
// everything else on the live object (status, a label another client added) is left alone.

import { PatchError } from './errors.js';
import { cloneJson, getMember, isJsonObject, jsonEqual, jsonKind, setMember, type JsonObject, type JsonValue } from './json.js';
import { fieldMeta, patchSchemaFor, type FieldPatchMeta, type PatchSchema } from './schema.js';
import {
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  PATCH_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
} from './strategic.js';

interface DiffOptions {
  /** Leave out fields only `original` has (the additions-and-changes pass). */
  readonly ignoreDeletions?: boolean;
  /** Leave out fields `modified` adds or changes (the deletions pass). */
  readonly ignoreChangesAndAdditions?: boolean;
  /** Build a `$retainKeys` list for this object (its field's patch strategy asks for one). */
  readonly retainKeys?: boolean;
}

/**
 * A strategic merge patch taking `current` to `desired`, deleting what `lastApplied` had and
 * `desired` no longer has. For a kind without a strategic merge schema every list is atomic,
 * so the patch is also a valid JSON merge patch (send it as one: such kinds take no other).
 * Pass `lastApplied` as undefined or {} on the first apply.
 */
export function threeWayMergePatch(
  kind: string,
  lastApplied: object | undefined,
  desired: object,
  current: object,
): JsonObject {
  const schema = patchSchemaFor(kind) ?? {};
  const original = ownCopy(lastApplied ?? {}, 'the last-applied configuration');
  const modified = ownCopy(desired, 'the desired object');
  const live = ownCopy(current, 'the current object');
  const delta = diffObjects(live, modified, schema, { ignoreDeletions: true });
  const deletions = diffObjects(original, modified, schema, { ignoreChangesAndAdditions: true });
  return combinePatches(deletions, delta, schema);
}

/** The strategic merge patch that takes `from` to `to` (what `kubectl edit` sends). */
export function twoWayMergePatch(kind: string, from: object, to: object): JsonObject {
  return diffObjects(ownCopy(from, 'the original object'), ownCopy(to, 'the modified object'), patchSchemaFor(kind) ?? {}, {});
}

function ownCopy(doc: object, name: string): JsonObject {
  if (!isJsonObject(doc)) throw new PatchError(`${name} must be a JSON object, not ${jsonKind(doc)}`, { status: 400 });
  return cloneJson(doc);
}

function diffObjects(original: JsonObject, modified: JsonObject, schema: PatchSchema, opts: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  for (const [key, value] of Object.entries(modified)) {
    const old = getMember(original, key);
    if (old === undefined || jsonKind(old) !== jsonKind(value)) {
      if (!opts.ignoreChangesAndAdditions) setMember(patch, key, value);
      continue;
    }
    const meta = fieldMeta(schema, key);
    if (isJsonObject(old) && isJsonObject(value)) {
      if (meta.strategy === 'replace') {
        if (!opts.ignoreChangesAndAdditions && !jsonEqual(old, value)) setMember(patch, key, value);
        continue;
      }
      const sub = diffObjects(old, value, meta.fields ?? {}, { ...opts, retainKeys: meta.retainKeys });
      if (Object.keys(sub).length > 0) setMember(patch, key, sub);
    } else if (Array.isArray(old) && Array.isArray(value) && meta.strategy === 'merge') {
      diffLists(patch, key, old, value, meta, opts);
    } else if (!opts.ignoreChangesAndAdditions && !jsonEqual(old, value)) {
      setMember(patch, key, value);
    }
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) setMember(patch, key, null);
  }
  if (opts.retainKeys) {
    const retain = Object.keys(modified).filter((k) => modified[k] !== null).sort();
    const dropsFields = Object.keys(original).some((k) => original[k] !== null && !Object.hasOwn(modified, k));
    if (retain.length > 0 && (Object.keys(patch).length > 0 || dropsFields)) patch[RETAIN_KEYS_DIRECTIVE] = retain;
  }
  return patch;
}

/** Adds to `patch` the entries that turn merging list `old` into `value`. */
function diffLists(
  patch: JsonObject,
  key: string,
  old: JsonValue[],
  value: JsonValue[],
  meta: FieldPatchMeta,
  opts: DiffOptions,
): void {
  if (old.length === 0) {
    if (value.length > 0 && !opts.ignoreChangesAndAdditions) setMember(patch, key, value);
    return;
  }
  const mergeKey = meta.mergeKey;
  if (mergeKey === undefined || ![...old, ...value].every(isJsonObject)) {
    diffPrimitiveLists(patch, key, old, value, opts);
    return;
  }
  for (const [list, which] of [[old, 'the original'], [value, 'the desired']] as const) {
    if (list.some((item) => getMember(item as JsonObject, mergeKey) === undefined)) {
      throw new PatchError(`${which} object has an element of "${key}" without its merge key "${mergeKey}"`, {
        status: 422,
        field: key,
      });
    }
  }
  const keyOf = (item: JsonValue): JsonValue => getMember(item as JsonObject, mergeKey)!;
  const changes: JsonValue[] = [];
  for (const item of value as JsonObject[]) {
    const k = keyOf(item);
    const before = (old as JsonObject[]).find((o) => jsonEqual(keyOf(o), k));
    if (before === undefined) {
      if (!opts.ignoreChangesAndAdditions) changes.push(item);
      continue;
    }
    const sub = diffObjects(before, item, meta.fields ?? {}, { ...opts, retainKeys: meta.retainKeys });
    if (Object.keys(sub).length > 0) changes.push({ ...sub, [mergeKey]: k });
  }
  if (!opts.ignoreDeletions) {
    for (const item of old as JsonObject[]) {
      const k = keyOf(item);
      if (!value.some((v) => jsonEqual(keyOf(v), k))) {
        changes.push({ [mergeKey]: k, [PATCH_DIRECTIVE]: 'delete' });
      }
    }
  }
  const sameOrder = old.length === value.length && old.every((o, i) => jsonEqual(keyOf(o), keyOf(value[i]!)));
  if (changes.length > 0) setMember(patch, key, changes);
  // The order list lets the server put the list in the manifest's order.
  if ((!opts.ignoreChangesAndAdditions && (changes.length > 0 || !sameOrder)) || (!opts.ignoreDeletions && changes.length > 0)) {
    patch[SET_ELEMENT_ORDER_PREFIX + key] = value.map((item) => ({ [mergeKey]: keyOf(item) }));
  }
}

function diffPrimitiveLists(patch: JsonObject, key: string, old: JsonValue[], value: JsonValue[], opts: DiffOptions): void {
  const has = (list: JsonValue[], v: JsonValue): boolean => list.some((x) => jsonEqual(x, v));
  const added = opts.ignoreChangesAndAdditions ? [] : value.filter((v) => !has(old, v));
  const removed = opts.ignoreDeletions ? [] : old.filter((v, i) => !has(value, v) && !has(old.slice(0, i), v));
  if (added.length > 0) setMember(patch, key, added);
  if (removed.length > 0) patch[DELETE_FROM_PRIMITIVE_LIST_PREFIX + key] = removed;
  if ((!opts.ignoreDeletions && removed.length > 0) || (!opts.ignoreChangesAndAdditions && !jsonEqual(old, value))) {
    patch[SET_ELEMENT_ORDER_PREFIX + key] = value;
  }
}

/**
 * One patch doing what `first` then `second` do, for a deletions-only `first`: nested objects
 * combine, merging lists keep both patches' items (deletions last), anything else `second` wins.
 */
function combinePatches(first: JsonObject, second: JsonObject, schema: PatchSchema): JsonObject {
  const out: JsonObject = { ...first };
  for (const [key, value] of Object.entries(second)) {
    const prior = getMember(out, key);
    const meta = fieldMeta(schema, key);
    if (isJsonObject(prior) && isJsonObject(value)) {
      setMember(out, key, combinePatches(prior, value, meta.fields ?? {}));
    } else if (Array.isArray(prior) && Array.isArray(value) && meta.strategy === 'merge') {
      setMember(out, key, combineLists(prior, value, meta));
    } else {
      setMember(out, key, value);
    }
  }
  return out;
}

function combineLists(first: JsonValue[], second: JsonValue[], meta: FieldPatchMeta): JsonValue[] {
  const mergeKey = meta.mergeKey;
  const isDelete = (v: JsonValue): boolean => isJsonObject(v) && getMember(v, PATCH_DIRECTIVE) === 'delete';
  const items = first.filter((v) => !isDelete(v));
  for (const v of second) {
    const at = mergeKey === undefined || !isJsonObject(v)
      ? items.findIndex((p) => jsonEqual(p, v))
      : items.findIndex((p) => isJsonObject(p) && jsonEqual(getMember(p, mergeKey), getMember(v, mergeKey)));
    if (at < 0) items.push(v);
    else if (isJsonObject(v)) items[at] = combinePatches(items[at] as JsonObject, v, meta.fields ?? {});
  }
  return [...items, ...first.filter(isDelete)];
}
