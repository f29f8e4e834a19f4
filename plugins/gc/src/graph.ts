// The ownership graph, read from the shared informers' `ownerUid` indexes: no scans per event.
import { cacheKey } from '@corral/core/client';
import type { ApiObject, OwnerReference } from '@corral/core/api';
import type { SharedInformers } from '@corral/core/kernel';
import { KindTable, type GcKind } from './KindTable.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export interface Dependent {
  readonly obj: ApiObject;
  readonly kind: GcKind;
  /** The dependent's reference to the owner. */
  readonly ref: OwnerReference;
}

/**
 * Every object that names `owner` (by uid) as an owner. A namespaced owner only owns objects
 * of its own namespace: a reference from elsewhere is not an ownership (Kubernetes ignores it).
 */
export function dependentsOf(owner: ApiObject, table: KindTable, informers: SharedInformers): Dependent[] {
  const uid = owner.metadata.uid;
  if (!uid) return [];
  const namespace = owner.metadata.namespace;
  const out: Dependent[] = [];
  for (const kind of table.all) {
    for (const obj of informers.informer(kind.ref).cache.byIndex('ownerUid', uid)) {
      if (namespace && obj.metadata.namespace !== namespace) continue;
      const ref = obj.metadata.ownerReferences?.find((r) => r.uid === uid);
      if (ref) out.push({ obj, kind, ref });
    }
  }
  return out;
}

export function hasDependents(owner: ApiObject, table: KindTable, informers: SharedInformers): boolean {
  return dependentsOf(owner, table, informers).length > 0;
}

/** The cache key an owner reference from `dependent` points at, or undefined when it cannot point anywhere valid. */
export function ownerKey(dependent: ApiObject, ref: OwnerReference, kind: GcKind): string | undefined {
  if (!kind.def.namespaced) return ref.name;
  // A cluster-scoped object cannot be owned by a namespaced one.
  return dependent.metadata.namespace ? `${dependent.metadata.namespace}/${ref.name}` : undefined;
}

/** Deleting or waiting for its dependents: a mark the collector acts on. */
export function hasFinalizer(obj: ApiObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) === true;
}

/**
 * The keys of controller `kind` that a change of `obj` (of kind `objKind`) concerns: owners of
 * that kind being deleted (their dependents changed), and, when `obj` is gone or being
 * deleted, its dependents of that kind.
 */
export function keysFor(obj: ApiObject, objKind: GcKind, kind: GcKind, informers: SharedInformers): string[] {
  const keys: string[] = [];
  const cache = informers.informer(kind.ref).cache;
  for (const ref of obj.metadata.ownerReferences ?? []) {
    if (!KindTable.names(ref, kind)) continue;
    const key = ownerKey(obj, ref, kind);
    const owner = key === undefined ? undefined : cache.get(key);
    if (owner && owner.metadata.uid === ref.uid && owner.metadata.deletionTimestamp !== undefined) keys.push(key!);
  }
  const uid = obj.metadata.uid;
  if (!uid) return keys;
  const live = informers.informer(objKind.ref).cache.get(cacheKey(obj));
  const goneOrGoing = !live || live.metadata.uid !== uid || live.metadata.deletionTimestamp !== undefined;
  if (!goneOrGoing) return keys;
  for (const dep of cache.byIndex('ownerUid', uid)) {
    if (obj.metadata.namespace && dep.metadata.namespace !== obj.metadata.namespace) continue;
    keys.push(cacheKey(dep));
  }
  return keys;
}
