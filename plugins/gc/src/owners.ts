// Sorting a dependent's owner references the way Kubernetes' garbage collector does: solid
// (the owner exists), dangling (it does not: confirmed by a GET before anything is deleted) and
// waiting (it is being deleted in the foreground, waiting for its dependents).
import { isApiError, type ApiObject, type OwnerReference } from '@corral/core/api';
import type { ReconcileContext } from '@corral/core/kernel';
import type { AbsentOwners } from './AbsentOwners.js';
import { FOREGROUND_FINALIZER, hasFinalizer, ownerKey } from './graph.js';
import type { KindTable } from './KindTable.js';

export interface OwnerClasses {
  readonly solid: OwnerReference[];
  readonly dangling: OwnerReference[];
  readonly waiting: OwnerReference[];
  /** References that name a namespaced owner from a cluster-scoped object: never resolvable. */
  readonly invalid: OwnerReference[];
}

export interface ClassifyDeps {
  readonly table: KindTable;
  readonly absent: AbsentOwners;
  readonly ctx: ReconcileContext;
}

/** The owner as the API has it now, or undefined when no object with that uid exists. */
async function liveOwner(dependent: ApiObject, ref: OwnerReference, deps: ClassifyDeps): Promise<ApiObject | 'unknown' | undefined> {
  const kind = deps.table.forOwner(ref);
  // A kind the collector does not know cannot be checked: keep the dependent, as if owned.
  if (!kind) return 'unknown';
  const key = ownerKey(dependent, ref, kind);
  if (key === undefined) return 'unknown';
  if (deps.absent.has(ref.uid)) return undefined;
  const cached = deps.ctx.informers.informer(kind.ref).cache.get(key);
  if (cached && cached.metadata.uid === ref.uid) return cached;
  try {
    const namespace = kind.def.namespaced ? dependent.metadata.namespace : undefined;
    const live = await deps.ctx.client.get(kind.def, ref.name, { namespace, signal: deps.ctx.signal });
    if (live.metadata.uid === ref.uid) return live;
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
  deps.absent.add(ref.uid);
  return undefined;
}

export async function classifyOwners(dependent: ApiObject, deps: ClassifyDeps): Promise<OwnerClasses> {
  const classes: OwnerClasses = { solid: [], dangling: [], waiting: [], invalid: [] };
  for (const ref of dependent.metadata.ownerReferences ?? []) {
    const kind = deps.table.forOwner(ref);
    if (kind && kind.def.namespaced && !dependent.metadata.namespace) {
      classes.invalid.push(ref);
      continue;
    }
    const owner = await liveOwner(dependent, ref, deps);
    if (owner === undefined) classes.dangling.push(ref);
    else if (owner === 'unknown') classes.solid.push(ref);
    else if (owner.metadata.deletionTimestamp !== undefined && hasFinalizer(owner, FOREGROUND_FINALIZER)) classes.waiting.push(ref);
    else classes.solid.push(ref);
  }
  return classes;
}

/**
 * A namespaced dependent whose dangling owner uid exists in another namespace: the reference
 * was never valid (ownership does not cross namespaces). Worth a Warning, as Kubernetes gives.
 */
export function crossNamespaceOwner(dependent: ApiObject, ref: OwnerReference, deps: ClassifyDeps): ApiObject | undefined {
  const kind = deps.table.forOwner(ref);
  if (!kind || !kind.def.namespaced) return undefined;
  return deps.ctx.informers
    .informer(kind.ref)
    .cache.list()
    .find((o) => o.metadata.uid === ref.uid && o.metadata.namespace !== dependent.metadata.namespace);
}
