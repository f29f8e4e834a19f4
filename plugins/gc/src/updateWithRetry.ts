// Read-modify-write with optimistic concurrency: on a conflict, read the object again and
// re-apply the change, so the collector's small edits never overwrite someone else's.
import { isApiError, type ApiObject, type ResourceDefinition } from '@corral/core/api';
import type { ReconcileContext } from '@corral/core/kernel';

const ATTEMPTS = 5;

/**
 * Applies `change` (undefined: nothing to do) to `obj` and writes it; returns the written object,
 * or undefined when nothing was written or the object is gone (or was replaced: another uid).
 */
export async function updateWithRetry(
  ctx: ReconcileContext,
  def: ResourceDefinition,
  obj: ApiObject,
  change: (current: ApiObject) => ApiObject | undefined,
): Promise<ApiObject | undefined> {
  const { name, namespace, uid } = obj.metadata;
  let current = obj;
  for (let attempt = 1; ; attempt++) {
    const next = change(current);
    if (!next) return undefined;
    try {
      return await ctx.client.update(def, next, { namespace, signal: ctx.signal });
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      if (!isApiError(err, 'Conflict') || attempt >= ATTEMPTS) throw err;
    }
    try {
      current = await ctx.client.get(def, name!, { namespace, signal: ctx.signal });
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
    if (current.metadata.uid !== uid) return undefined;
  }
}
