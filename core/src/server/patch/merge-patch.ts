// RFC 7386 JSON merge patch: objects merge member by member, null removes a member, and
// anything else (arrays included) replaces the target value whole.

import { cloneJson, getMember, isJsonObject, setMember, type JsonObject, type JsonValue } from './json.js';

/** Returns `target` with `patch` merged in; neither argument is modified. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  return merge(target === undefined ? undefined : cloneJson(target), cloneJson(patch));
}

function merge(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else setMember(result, name, merge(getMember(result, name), value));
  }
  return result;
}

