// RFC 6902 JSON patch: an ordered list of add/remove/replace/move/copy/test operations on
// JSON-pointer paths. All or nothing: the document is copied first, and any failing operation
// throws before the caller sees a half-patched result.

import { PatchError } from './errors.js';
import { arrayIndex, formatPointer, parsePointer } from './json-pointer.js';
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

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

/** Applies `operations` to a copy of `document` and returns the copy; `document` is untouched. */
export function applyJsonPatch(document: JsonValue, operations: unknown): JsonValue {
  const ops = parseOperations(operations);
  let doc = cloneJson(document);
  ops.forEach((op, index) => {
    doc = applyOperation(doc, op, index);
  });
  return doc;
}

/** Checks the shape of every operation (a 400 when wrong) before any is applied. */
export function parseOperations(operations: unknown): JsonPatchOperation[] {
  if (!Array.isArray(operations)) {
    throw new PatchError(`a JSON patch must be an array of operations, not ${jsonKind(operations)}`, {
      status: 400,
    });
  }
  return operations.map((raw: unknown, index) => {
    const bad = (what: string): PatchError =>
      new PatchError(`JSON patch operation ${index}: ${what}`, { status: 400, operation: index });
    if (!isJsonObject(raw)) throw bad(`must be an object, not ${jsonKind(raw)}`);
    const { op, path } = raw;
    if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
      throw bad(`"op" must be one of ${OPS.join(', ')}; got ${JSON.stringify(op ?? null)}`);
    }
    if (typeof path !== 'string') throw bad(`"path" must be a string`);
    checkPointer(path, index, op);
    // Members an operation does not define are ignored (RFC 6902 section 4).
    switch (op) {
      case 'add':
      case 'replace':
      case 'test':
        if (!Object.hasOwn(raw, 'value')) throw bad(`"${op}" needs a "value"`);
        return { op, path, value: raw['value'] as JsonValue };
      case 'remove':
        return { op, path };
      default: {
        const from = raw['from'];
        if (typeof from !== 'string') throw bad(`"${op}" needs a string "from"`);
        checkPointer(from, index, op);
        return { op: op as 'move' | 'copy', from, path };
      }
    }
  });
}

function checkPointer(pointer: string, index: number, op: string): void {
  try {
    parsePointer(pointer);
  } catch (err) {
    throw new PatchError(`JSON patch operation ${index} (${op}): ${(err as Error).message}`, {
      status: 400,
      operation: index,
      field: pointer,
    });
  }
}

function applyOperation(doc: JsonValue, op: JsonPatchOperation, index: number): JsonValue {
  const fail = (what: string, pointer = op.path): PatchError =>
    new PatchError(`JSON patch operation ${index} (${op.op} "${op.path}"): ${what}`, {
      status: 422,
      operation: index,
      field: pointer,
    });
  const path = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(doc, path, cloneJson(op.value), fail);
    case 'remove':
      return remove(doc, path, fail);
    case 'replace':
      get(doc, path, fail);
      return add(remove(doc, path, fail, true), path, cloneJson(op.value), fail);
    case 'test':
      if (!jsonEqual(get(doc, path, fail), op.value)) {
        throw fail(`test failed: the value at "${op.path}" is ${JSON.stringify(get(doc, path, fail))}`);
      }
      return doc;
    case 'copy': {
      const from = parsePointer(op.from);
      return add(doc, path, cloneJson(get(doc, from, (w) => fail(w, op.from))), fail);
    }
    case 'move': {
      const from = parsePointer(op.from);
      if (from.length < path.length && from.every((t, i) => t === path[i])) {
        throw fail(`cannot move "${op.from}" into one of its own children`);
      }
      const value = get(doc, from, (w) => fail(w, op.from));
      return add(remove(doc, from, (w) => fail(w, op.from)), path, value, fail);
    }
  }
}

type Fail = (what: string) => PatchError;

/** The value at `path`; a missing member or index is an error. */
function get(doc: JsonValue, path: string[], fail: Fail): JsonValue {
  let node = doc;
  path.forEach((token, depth) => {
    node = child(node, token, path, depth, fail);
  });
  return node;
}

function child(node: JsonValue, token: string, path: string[], depth: number, fail: Fail): JsonValue {
  const where = formatPointer(path.slice(0, depth + 1));
  if (Array.isArray(node)) {
    const i = arrayIndex(token);
    if (i === undefined || i >= node.length) throw fail(`no array element "${token}" at "${where}"`);
    return node[i]!;
  }
  if (isJsonObject(node)) {
    const value = getMember(node, token);
    if (value === undefined) throw fail(`no member "${token}" at "${where}"`);
    return value;
  }
  throw fail(`cannot descend into ${jsonKind(node)} at "${where}"`);
}

function parentOf(doc: JsonValue, path: string[], fail: Fail): JsonValue {
  return get(doc, path.slice(0, -1), fail);
}

function add(doc: JsonValue, path: string[], value: JsonValue, fail: Fail): JsonValue {
  if (path.length === 0) return value;
  const parent = parentOf(doc, path, fail);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (last === '-') {
      parent.push(value);
      return doc;
    }
    const i = arrayIndex(last);
    if (i === undefined || i > parent.length) {
      throw fail(`index "${last}" is out of bounds for an array of ${parent.length}`);
    }
    parent.splice(i, 0, value);
    return doc;
  }
  if (isJsonObject(parent)) {
    setMember(parent, last, value);
    return doc;
  }
  throw fail(`the parent of "${last}" is ${jsonKind(parent)}, not an object or array`);
}

function remove(doc: JsonValue, path: string[], fail: Fail, forReplace = false): JsonValue {
  if (path.length === 0) {
    // replace of the whole document: add() then puts the new value in place.
    if (forReplace) return null;
    throw fail('cannot remove the whole document');
  }
  const parent = parentOf(doc, path, fail);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last);
    if (i === undefined || i >= parent.length) throw fail(`no array element "${last}" to remove`);
    parent.splice(i, 1);
    return doc;
  }
  if (isJsonObject(parent) && Object.hasOwn(parent, last)) {
    delete (parent as JsonObject)[last];
    return doc;
  }
  throw fail(`no member "${last}" to remove`);
}
