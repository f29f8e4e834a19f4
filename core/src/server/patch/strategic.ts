// Kubernetes' strategic merge patch: a JSON merge patch in which lists named by the kind's schema
// merge element by element (by merge key, or as sets of primitives) instead of being replaced,
// steered by directives: `$patch` (replace / delete / merge), `$retainKeys`,
// `$deleteFromPrimitiveList/<list>` and `$setElementOrder/<list>`. Element order follows
// apimachinery's rules, so the same patch yields the same list here and on a Kubernetes server.

import { PatchError } from './errors.js';
import {
  cloneJson,
  getMember,
  isJsonObject,
  jsonEqual,
  jsonKind,
  setMember,
  type JsonObject,
  type JsonValue,
} from './json.js';
import { fieldMeta, type FieldPatchMeta, type PatchSchema } from './schema.js';

export const PATCH_DIRECTIVE = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList/';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder/';

/** Applies `patch` to a copy of `original` following `schema`; neither argument is modified. */
export function applyStrategicMergePatch(original: JsonObject, patch: JsonValue, schema: PatchSchema): JsonObject {
  if (!isJsonObject(patch)) {
    throw new PatchError(`a strategic merge patch must be a JSON object, not ${jsonKind(patch)}`, { status: 400 });
  }
  return mergeObject(cloneJson(original), cloneJson(patch), schema, '');
}

function fail(path: string, what: string, status: 400 | 422 = 400): PatchError {
  const where = path === '' ? 'the top level' : `"${path}"`;
  return new PatchError(`strategic merge patch at ${where}: ${what}`, { status, field: path || undefined });
}

const join = (path: string, field: string): string => (path ? `${path}.${field}` : field);
const isDirectiveKey = (key: string): boolean =>
  key === PATCH_DIRECTIVE ||
  key === RETAIN_KEYS_DIRECTIVE ||
  key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) ||
  key.startsWith(SET_ELEMENT_ORDER_PREFIX);

/** Merges `patch` into `original` (both owned by the caller, modified in place) and returns it. */
function mergeObject(original: JsonObject | undefined, patch: JsonObject, schema: PatchSchema, path: string): JsonObject {
  const directive = getMember(patch, PATCH_DIRECTIVE);
  if (directive === 'delete') return {}; // Kubernetes leaves an emptied object, not a missing field.
  if (directive === 'replace') return mergeObject({}, withoutKey(patch, PATCH_DIRECTIVE), schema, path);
  if (directive !== undefined && directive !== 'merge') {
    throw fail(path, `unknown $patch directive ${JSON.stringify(directive)}: use replace, delete or merge`);
  }
  const result = original ?? {};
  applyRetainKeys(result, patch, path);

  // Lists keep their pre-merge order for $setElementOrder to interleave server-only items.
  const orders: [string, JsonValue][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER_PREFIX)) orders.push([key.slice(SET_ELEMENT_ORDER_PREFIX.length), value]);
  }
  const before = new Map(orders.map(([field]) => [field, getMember(result, field)]));

  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) continue;
    const field = key.slice(DELETE_FROM_PRIMITIVE_LIST_PREFIX.length);
    if (!Array.isArray(value)) throw fail(join(path, field), `${key} must be a list of the values to remove`);
    const list = getMember(result, field);
    if (Array.isArray(list)) setMember(result, field, list.filter((v) => !value.some((d) => jsonEqual(d, v))));
  }

  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = mergeValue(getMember(result, key), value, fieldMeta(schema, key), join(path, key));
    if (merged === undefined) delete result[key];
    else setMember(result, key, merged);
  }

  for (const [field, order] of orders) {
    const fieldPath = join(path, field);
    if (!Array.isArray(order)) throw fail(fieldPath, `${SET_ELEMENT_ORDER_PREFIX}${field} must be a list`);
    const list = getMember(result, field);
    const meta = fieldMeta(schema, field);
    const patchList = getMember(patch, field);
    if (Array.isArray(patchList)) checkOrderMatchesPatch(patchList, order, meta.mergeKey, fieldPath);
    if (Array.isArray(list)) {
      const serverOrder = before.get(field);
      setMember(result, field, reorder(list, order, Array.isArray(serverOrder) ? serverOrder : [], meta.mergeKey));
    }
  }
  return result;
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

/** `$retainKeys`: clear every field of `target` the list does not name. */
function applyRetainKeys(target: JsonObject, patch: JsonObject, path: string): void {
  const retain = getMember(patch, RETAIN_KEYS_DIRECTIVE);
  if (retain === undefined) return;
  if (!Array.isArray(retain) || !retain.every((k) => typeof k === 'string')) {
    throw fail(path, '$retainKeys must be a list of field names');
  }
  const keep = new Set(retain as string[]);
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && !isDirectiveKey(key) && !keep.has(key)) {
      throw fail(path, `field "${key}" is set by the patch but missing from $retainKeys`);
    }
  }
  for (const key of Object.keys(target)) if (!keep.has(key)) delete target[key];
}

/** The merged value of one field; undefined means the field goes away. */
function mergeValue(original: JsonValue | undefined, patch: JsonValue, meta: FieldPatchMeta, path: string): JsonValue | undefined {
  const fields = meta.fields ?? {};
  if (isJsonObject(patch)) {
    if (!isJsonObject(original)) {
      // Nothing to delete; anything else starts from an empty object.
      return getMember(patch, PATCH_DIRECTIVE) === 'delete' ? undefined : mergeObject({}, patch, fields, path);
    }
    return mergeObject(meta.strategy === 'replace' ? {} : original, patch, fields, path);
  }
  if (Array.isArray(patch)) {
    if (meta.strategy !== 'merge') return patch;
    return mergeList(Array.isArray(original) ? original : [], patch, meta, path);
  }
  return patch;
}

function mergeList(original: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta, path: string): JsonValue[] {
  const all = [...original, ...patch];
  if (all.some(Array.isArray)) throw fail(path, 'lists of lists cannot be merged', 422);
  const objects = all.filter(isJsonObject).length;
  if (objects === 0) return mergePrimitiveList(original, patch);
  if (objects !== all.length) throw fail(path, 'the list mixes objects with other values', 422);
  const mergeKey = meta.mergeKey;
  if (!mergeKey) throw fail(path, 'a list of objects cannot merge without a merge key', 422);

  let list = original as JsonObject[];
  let replace = false;
  const items: JsonObject[] = [];
  (patch as JsonObject[]).forEach((item, i) => {
    const directive = getMember(item, PATCH_DIRECTIVE);
    if (directive === undefined) return void items.push(item);
    if (directive === 'delete') {
      const key = getMember(item, mergeKey);
      if (key === undefined) throw fail(`${path}[${i}]`, `$patch: delete needs the merge key "${mergeKey}"`);
      list = list.filter((o) => !jsonEqual(getMember(o, mergeKey), key));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive !== 'merge') {
      throw fail(`${path}[${i}]`, `unknown $patch directive ${JSON.stringify(directive)} in a list`);
    }
  });
  if (replace) list = [];
  const serverOrder = list;
  const merged = [...list];
  items.forEach((item, i) => {
    const key = getMember(item, mergeKey);
    if (key === undefined) throw fail(`${path}[${i}]`, `the element has no merge key "${mergeKey}"`);
    const at = merged.findIndex((o) => jsonEqual(getMember(o, mergeKey), key));
    const itemPath = `${path}[${mergeKey}=${typeof key === 'string' ? key : JSON.stringify(key)}]`;
    const value = mergeObject(at >= 0 ? merged[at] : undefined, item, meta.fields ?? {}, itemPath);
    if (at >= 0) merged[at] = value;
    else merged.push(value);
  });
  return orderAfterMerge(merged, items, serverOrder, (o) => getMember(o as JsonObject, mergeKey));
}

function mergePrimitiveList(original: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const merged: JsonValue[] = [];
  for (const v of [...original, ...patch]) if (!merged.some((m) => jsonEqual(m, v))) merged.push(v);
  return orderAfterMerge(merged, patch, original, (v) => v);
}

type KeyOf = (item: JsonValue) => JsonValue | undefined;

const indexIn = (list: readonly JsonValue[], key: JsonValue | undefined, keyOf: KeyOf): number =>
  key === undefined ? -1 : list.findIndex((item) => jsonEqual(keyOf(item), key));

/** Items the patch named come in patch order, the rest in server order, interleaved. */
function orderAfterMerge(merged: JsonValue[], patch: JsonValue[], serverOrder: JsonValue[], keyOf: KeyOf): JsonValue[] {
  const named = (item: JsonValue): boolean => indexIn(patch, keyOf(item), keyOf) >= 0;
  const patchItems = sortBy(merged.filter(named), patch, keyOf);
  const serverOnly = sortBy(merged.filter((i) => !named(i)), serverOrder, keyOf);
  return interleave(serverOnly, patchItems, serverOrder, keyOf);
}

/** `$setElementOrder`: the listed items in that order, server-only items kept where they were. */
function reorder(list: JsonValue[], order: JsonValue[], serverOrder: JsonValue[], mergeKey: string | undefined): JsonValue[] {
  if (mergeKey === undefined && list.some(isJsonObject)) return list;
  const keyOf: KeyOf = mergeKey === undefined ? (v) => v : (v) => (isJsonObject(v) ? getMember(v, mergeKey) : undefined);
  const listed = (item: JsonValue): boolean => indexIn(order, keyOf(item), keyOf) >= 0;
  const patchItems = sortBy(list.filter(listed), order, keyOf);
  const serverOnly = sortBy(list.filter((i) => !listed(i)), serverOrder, keyOf);
  return interleave(serverOnly, patchItems, serverOrder, keyOf);
}

function sortBy(items: JsonValue[], order: JsonValue[], keyOf: KeyOf): JsonValue[] {
  const rank = (item: JsonValue): number => {
    const i = indexIn(order, keyOf(item), keyOf);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items.map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Merges two ordered lists: a server-only item goes first only when both it and the next patch
 * item were in the server's list and it came earlier there; otherwise the patch item goes first.
 */
function interleave(serverOnly: JsonValue[], patchItems: JsonValue[], serverOrder: JsonValue[], keyOf: KeyOf): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) out.push(serverOnly[i++]!);
    else if (i >= serverOnly.length) out.push(patchItems[j++]!);
    else {
      const l = indexIn(serverOrder, keyOf(serverOnly[i]!), keyOf);
      const r = indexIn(serverOrder, keyOf(patchItems[j]!), keyOf);
      out.push(l >= 0 && r >= 0 && l < r ? serverOnly[i++]! : patchItems[j++]!);
    }
  }
  return out;
}

/** The patch's own items must appear in $setElementOrder, in the same relative order. */
function checkOrderMatchesPatch(patchList: JsonValue[], order: JsonValue[], mergeKey: string | undefined, path: string): void {
  const keyOf: KeyOf = mergeKey === undefined ? (v) => v : (v) => (isJsonObject(v) ? getMember(v, mergeKey) : undefined);
  let at = 0;
  for (const item of patchList) {
    if (isJsonObject(item) && getMember(item, PATCH_DIRECTIVE) !== undefined) continue;
    const key = keyOf(item);
    while (at < order.length && !jsonEqual(keyOf(order[at]!), key)) at++;
    if (at >= order.length) {
      throw fail(path, `the patch's list is not in the order its ${SET_ELEMENT_ORDER_PREFIX} list gives`);
    }
    at++;
  }
}
