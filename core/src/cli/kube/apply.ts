// Client-side apply, as kubectl does it: the configuration applied last time rides along in the
// last-applied annotation; a three-way strategic merge patch (last applied, desired, live)
// sets what the manifest sets and deletes what it no longer has, leaving other writers' fields.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { supportsStrategicMerge, threeWayMergePatch } from '../../server/patch/index.js';
import { goJson } from '../output/jsonpath.js';
import type { ManifestTarget } from './manifest-target.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

export interface ApplyOptions {
  /** Ask the server to check without storing (`--dry-run=server`). */
  dryRun?: boolean;
  fieldManager?: string;
}

const MAX_CONFLICT_RETRIES = 5;

/** Creates or patches one object; returns what happened and the object the server answered with. */
export async function applyObject(client: ApiClient, target: ManifestTarget, options: ApplyOptions = {}): Promise<{ result: ApplyResult; object: ApiObject }> {
  const desired = withLastApplied(target.object);
  const scope = { namespace: target.namespace, dryRun: options.dryRun, fieldManager: options.fieldManager ?? 'kubectl-client-side-apply' };
  for (let attempt = 0; ; attempt++) {
    let current: ApiObject;
    try {
      current = await client.get(target.resource, target.name, { namespace: target.namespace });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      return { result: 'created', object: await client.create(target.resource, desired, scope) };
    }
    const patch = applyPatch(target.resource.kind, current, desired);
    if (Object.keys(patch).length === 0) return { result: 'unchanged', object: current };
    const type = supportsStrategicMerge(target.resource.kind) ? 'strategic' : 'merge';
    try {
      return { result: 'configured', object: await client.patch(target.resource, target.name, patch, type, scope) };
    } catch (err) {
      // Another writer got in between our read and our patch: read again and recompute.
      if (err instanceof ApiError && err.reason === 'Conflict' && attempt < MAX_CONFLICT_RETRIES) continue;
      throw err;
    }
  }
}

/** The patch apply would send to take `current` to `desired` (which carries its annotation). */
export function applyPatch(kind: string, current: ApiObject, desired: ApiObject): Record<string, unknown> {
  const previous = current.metadata?.annotations?.[LAST_APPLIED];
  let lastApplied: object | undefined;
  if (previous) {
    try {
      lastApplied = JSON.parse(previous) as object;
    } catch {
      lastApplied = undefined;
    }
  }
  return threeWayMergePatch(kind, lastApplied, desired, current);
}

/**
 * A copy of `obj` carrying the last-applied annotation: itself as JSON, minus that annotation.
 * Byte for byte what kubectl writes (sorted keys, HTML characters escaped, an empty
 * `annotations` map left behind, a final newline), so kubectl and corral see each other's
 * applies as unchanged.
 */
export function withLastApplied(obj: ApiObject): ApiObject {
  const plain = structuredClone(obj);
  plain.metadata = { ...plain.metadata, annotations: { ...plain.metadata?.annotations } };
  delete plain.metadata.annotations![LAST_APPLIED];
  const out = structuredClone(plain);
  out.metadata.annotations = { ...out.metadata.annotations, [LAST_APPLIED]: `${goJson(plain)}\n` };
  return out;
}
