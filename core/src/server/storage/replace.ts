// Building the replacement of a stored object from what a client sent: the whole object (PUT,
// PATCH), its status only (the status subresource), or a replica count (scale).
import { ApiError } from '../../api/errors.js';
import { isRecord } from '../../api/objects.js';
import { prepareForUpdate } from '../../api/prepare.js';
import type { ApiObject } from '../../api/types.js';
import type { ServedResource } from '../resources.js';

export interface ReplaceOptions {
  readonly namespace?: string;
  readonly name: string;
}

function asBody(res: ServedResource, body: unknown, name: string): Record<string, unknown> {
  if (!isRecord(body)) throw ApiError.badRequest(`the body must be a ${res.kind} object with apiVersion, kind and metadata`);
  if (body.metadata === undefined) body.metadata = {};
  const meta = body.metadata;
  if (isRecord(meta)) {
    if (meta.name === undefined || meta.name === '') meta.name = name;
    else if (meta.name !== name) {
      throw ApiError.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    }
  }
  return body;
}

/** The client's resourceVersion in a body, if it sent one. */
export function resourceVersionIn(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.metadata)) return undefined;
  const rv = body.metadata.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/**
 * A whole new object for `current` (PUT, PATCH). What the server owns is carried over: the
 * status when the kind has a status subresource, a namespace's finalizers.
 */
export function replaceObject(res: ServedResource, body: unknown, current: ApiObject, options: ReplaceOptions): ApiObject {
  const next = asBody(res, body, options.name);
  if (res.def.subresources.status) {
    if (current.status === undefined) delete next.status;
    else next.status = current.status;
  }
  if (res.group === '' && res.kind === 'Namespace') {
    const spec = isRecord(next.spec) ? next.spec : (next.spec = {});
    const finalizers = (current.spec as { finalizers?: string[] } | undefined)?.finalizers;
    if (finalizers === undefined) delete spec.finalizers;
    else spec.finalizers = finalizers;
  }
  return prepareForUpdate(res.def, next, current, { namespace: options.namespace });
}

/** `current` with the status of `body` and nothing else of it. */
export function replaceStatus(res: ServedResource, body: unknown, current: ApiObject, options: ReplaceOptions): ApiObject {
  const next = asBody(res, body, options.name);
  const candidate: Record<string, unknown> = { ...current, metadata: { ...current.metadata } };
  if (next.status === undefined) delete candidate.status;
  else candidate.status = next.status;
  return prepareForUpdate(res.def, candidate, current, { namespace: options.namespace });
}
