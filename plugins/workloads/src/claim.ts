// Which objects a controller manages: the ones it controls whose labels its selector matches.
// Orphans that match are adopted (it becomes their controller); objects it controls that stopped
// matching are released (the seed's "changing the label takes the pod out of the RC"); objects
// another controller manages are never touched.
import { ApiError, type ApiObject, type Selector } from '@corral/core/api';
import { controllerRefOf, newControllerRef, type ApiClient, type ResourceRef } from '@corral/core/client';
import type { KindRef } from '@corral/core/kernel';

export interface Claim<T> {
  owned: T[];
  adopt: T[];
  release: T[];
}

export function classify<T extends ApiObject>(owner: ApiObject, selector: Selector, candidates: readonly T[]): Claim<T> {
  const out: Claim<T> = { owned: [], adopt: [], release: [] };
  // An owner on its way out neither adopts nor releases: its dependents go with it.
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) out.owned.push(obj);
      else if (!ownerDeleting) out.release.push(obj);
    } else if (matches && !ownerDeleting && !obj.metadata.deletionTimestamp) {
      out.adopt.push(obj);
    }
  }
  return out;
}

/** A merge patch of the owner references, conditional on the version the cache showed. */
function ownerPatch(obj: ApiObject, refs: ApiObject['metadata']['ownerReferences']): unknown {
  return { metadata: { ownerReferences: refs ?? null, resourceVersion: obj.metadata.resourceVersion } };
}

/**
 * Adopts and releases as `classify` says and returns what the owner now manages: the owned and
 * the adopted objects (as the server returned them). A failed adoption (the object changed, or is
 * gone) leaves the object out; the change that caused it brings the owner back to the queue.
 */
export async function claimObjects<T extends ApiObject>(
  client: ApiClient,
  resource: ResourceRef,
  owner: ApiObject,
  ownerKind: KindRef,
  selector: Selector,
  candidates: readonly T[],
): Promise<T[]> {
  const { owned, adopt, release } = classify(owner, selector, candidates);
  const namespace = owner.metadata.namespace;
  const ref = newControllerRef(owner, ownerKind);
  const adopted = await Promise.all(
    adopt.map(async (obj) => {
      try {
        const refs = [...(obj.metadata.ownerReferences ?? []), ref];
        return await client.patch<T>(resource, obj.metadata.name!, ownerPatch(obj, refs), 'merge', { namespace });
      } catch (err) {
        if (err instanceof ApiError && (err.code === 404 || err.code === 409 || err.code === 422)) return undefined;
        throw err;
      }
    }),
  );
  await Promise.all(
    release.map(async (obj) => {
      try {
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
        await client.patch(resource, obj.metadata.name!, ownerPatch(obj, refs.length > 0 ? refs : undefined), 'merge', { namespace });
      } catch (err) {
        if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
        throw err;
      }
    }),
  );
  return [...owned, ...adopted.filter((obj): obj is Awaited<T> => obj !== undefined)];
}
