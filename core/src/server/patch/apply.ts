// The PATCH entry point: picks the format from the request's Content-Type and applies it.

import { PatchError, UnsupportedPatchTypeError } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { isJsonObject, jsonKind, type JsonObject, type JsonValue } from './json.js';
import { applyMergePatch } from './merge-patch.js';
import { patchSchemaFor } from './schema.js';
import { applyStrategicMergePatch } from './strategic.js';

export const JSON_PATCH_CONTENT_TYPE = 'application/json-patch+json';
export const MERGE_PATCH_CONTENT_TYPE = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH_CONTENT_TYPE = 'application/strategic-merge-patch+json';

export type PatchContentType =
  | typeof JSON_PATCH_CONTENT_TYPE
  | typeof MERGE_PATCH_CONTENT_TYPE
  | typeof STRATEGIC_MERGE_PATCH_CONTENT_TYPE;

export const PATCH_CONTENT_TYPES: readonly PatchContentType[] = [
  JSON_PATCH_CONTENT_TYPE,
  MERGE_PATCH_CONTENT_TYPE,
  STRATEGIC_MERGE_PATCH_CONTENT_TYPE,
];

/** The patch format a Content-Type header names (parameters such as charset ignored). */
export function patchContentType(header: string): PatchContentType {
  const type = header.split(';')[0]!.trim().toLowerCase();
  if ((PATCH_CONTENT_TYPES as readonly string[]).includes(type)) return type as PatchContentType;
  throw new UnsupportedPatchTypeError(type || header);
}

/**
 * Applies a PATCH body to `original` (an object of `kind`) and returns the patched copy;
 * `original` and the body are never modified. `patchBody` may be the raw body (string or
 * bytes) or its parsed JSON. Throws PatchError (400/422) or UnsupportedPatchTypeError (415).
 */
export function applyPatch(kind: string, original: object, patchBody: unknown, contentType: string): JsonObject {
  const type = patchContentType(contentType);
  if (!isJsonObject(original)) throw new TypeError(`the object to patch must be a JSON object, not ${jsonKind(original)}`);
  let result: JsonValue;
  switch (type) {
    case JSON_PATCH_CONTENT_TYPE:
      result = applyJsonPatch(original, parseBody(patchBody));
      break;
    case MERGE_PATCH_CONTENT_TYPE:
      result = applyMergePatch(original, parseBody(patchBody));
      break;
    case STRATEGIC_MERGE_PATCH_CONTENT_TYPE: {
      const schema = patchSchemaFor(kind);
      if (!schema) {
        throw new UnsupportedPatchTypeError(
          type,
          `strategic merge patch is not supported for kind "${kind}": ` +
            `use ${MERGE_PATCH_CONTENT_TYPE} or ${JSON_PATCH_CONTENT_TYPE}`,
        );
      }
      result = applyStrategicMergePatch(original, parseBody(patchBody), schema);
      break;
    }
  }
  if (!isJsonObject(result)) {
    throw new PatchError(`the patched ${kind} must be a JSON object, not ${jsonKind(result)}`, { status: 422 });
  }
  return result;
}

function parseBody(body: unknown): JsonValue {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body as JsonValue;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new PatchError(`the patch is not valid JSON: ${(err as Error).message}`, { status: 400 });
  }
}
