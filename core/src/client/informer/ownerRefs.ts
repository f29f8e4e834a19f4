// Owner references: how a controller marks the objects it manages (and finds them again).
import type { ApiObject, OwnerReference } from '../../api/types.js';

/** The reference with `controller: true`, if any: the one controller that manages `obj`. */
export function controllerRefOf(obj: Pick<ApiObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** A controller reference to `owner`, for objects it creates; `gvk` because objects read from a list may lack apiVersion/kind. */
export function newControllerRef(owner: Pick<ApiObject, 'metadata'>, gvk: { apiVersion: string; kind: string }): OwnerReference {
  const { name, uid } = owner.metadata;
  if (!name || !uid) throw new Error(`cannot reference ${gvk.kind} "${name ?? ''}": it needs metadata.name and metadata.uid (read it from the server first)`);
  return { apiVersion: gvk.apiVersion, kind: gvk.kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** True when `owner` is `obj`'s controller. */
export function isControlledBy(obj: Pick<ApiObject, 'metadata'>, owner: Pick<ApiObject, 'metadata'>): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}
