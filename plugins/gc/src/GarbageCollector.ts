// The garbage collector, as Kubernetes' (through ownerReferences), as one reconciler per kind:
// - an object whose owners are all gone is deleted (Background, so chains cascade);
// - one with some owners gone keeps the others and loses the references to the gone ones;
// - an owner deleted with `foregroundDeletion` has its dependents deleted and goes once none
//   that block it remain; one deleted with `orphan` first has its dependents let go.
import { cacheKey, type PropagationPolicy } from '@corral/core/client';
import { isApiError, type ApiObject } from '@corral/core/api';
import type { ControllerRegistration, ReconcileContext } from '@corral/core/kernel';
import { AbsentOwners } from './AbsentOwners.js';
import { dependentsOf, FOREGROUND_FINALIZER, hasDependents, hasFinalizer, keysFor, ORPHAN_FINALIZER } from './graph.js';
import type { GcKind, KindTable } from './KindTable.js';
import { classifyOwners, crossNamespaceOwner, type ClassifyDeps } from './owners.js';
import { updateWithRetry } from './updateWithRetry.js';

export const INVALID_NAMESPACE_REASON = 'OwnerRefInvalidNamespace';

export interface CollectorOptions {
  readonly workers: number;
  /** Every object is looked at again this often (a safety net); 0: never. */
  readonly resyncMs: number;
}

export class GarbageCollector {
  private readonly absent = new AbsentOwners();

  constructor(
    private readonly table: KindTable,
    private readonly options: CollectorOptions,
  ) {}

  /** One registration per kind, each watching every kind (owners and dependents alike). */
  registrations(): ControllerRegistration[] {
    return this.table.all.map((kind) => ({
      name: `garbage-collector/${kind.resource}`,
      for: kind.ref,
      watches: this.table.all
        .filter((other) => other !== kind)
        .map((other) => ({ kind: other.ref, keys: (obj: ApiObject, informers) => keysFor(obj, other, kind, informers) })),
      workers: this.options.workers,
      ...(this.options.resyncMs > 0 ? { resyncMs: this.options.resyncMs } : {}),
      reconcile: (key: string, ctx: ReconcileContext) => this.sync(kind, key, ctx),
    }));
  }

  async sync(kind: GcKind, key: string, ctx: ReconcileContext): Promise<void> {
    const obj = ctx.informers.informer(kind.ref).cache.get(key);
    if (!obj) return;
    if (obj.metadata.deletionTimestamp !== undefined) {
      if (hasFinalizer(obj, ORPHAN_FINALIZER)) await this.orphanDependents(kind, obj, ctx);
      else if (hasFinalizer(obj, FOREGROUND_FINALIZER)) await this.finishForeground(kind, obj, ctx);
      return;
    }
    if (obj.metadata.ownerReferences?.length) await this.collect(kind, obj, ctx);
  }

  /** The dependent's side: delete it when no owner holds it, or drop references to gone owners. */
  private async collect(kind: GcKind, cached: ApiObject, ctx: ReconcileContext): Promise<void> {
    const deps: ClassifyDeps = { table: this.table, absent: this.absent, ctx };
    let classes = await classifyOwners(cached, deps);
    if (classes.dangling.length === 0 && classes.waiting.length === 0) return;
    // Act on the object as it is now, not as the cache had it: an orphaning owner may have let
    // it go since (and its owners' state was confirmed above, before this read).
    const latest = await this.getLatest(kind, cached, ctx);
    if (!latest || latest.metadata.deletionTimestamp !== undefined) return;
    classes = await classifyOwners(latest, deps);
    const { solid, dangling, waiting } = classes;
    for (const ref of dangling) {
      const elsewhere = crossNamespaceOwner(latest, ref, deps);
      if (elsewhere) {
        ctx.events.event(latest, 'Warning', INVALID_NAMESPACE_REASON, `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${latest.metadata.namespace}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${latest.metadata.namespace}"`);
      }
    }
    for (const ref of classes.invalid) {
      ctx.events.event(latest, 'Warning', INVALID_NAMESPACE_REASON, `ownerRef [${ref.apiVersion}/${ref.kind}, name: ${ref.name}, uid: ${ref.uid}] names a namespaced owner of a cluster-scoped object`);
    }
    if (dangling.length === 0 && waiting.length === 0) return;
    if (solid.length > 0 || classes.invalid.length > 0) {
      const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.dropReferences(kind, latest, gone, ctx);
      return;
    }
    let policy: PropagationPolicy;
    if (waiting.length > 0 && hasDependents(latest, this.table, ctx.informers)) policy = 'Foreground';
    else if (hasFinalizer(latest, ORPHAN_FINALIZER)) policy = 'Orphan';
    else if (hasFinalizer(latest, FOREGROUND_FINALIZER)) policy = 'Foreground';
    else policy = 'Background';
    await this.delete(kind, latest, policy, ctx);
  }

  /** Foreground: the owner goes once no dependent that blocks it is left. */
  private async finishForeground(kind: GcKind, owner: ApiObject, ctx: ReconcileContext): Promise<void> {
    const blocking = dependentsOf(owner, this.table, ctx.informers).filter((d) => d.ref.blockOwnerDeletion === true);
    if (blocking.length > 0) return;
    await this.removeFinalizer(kind, owner, FOREGROUND_FINALIZER, ctx);
  }

  /** Orphan: every dependent loses its reference to the owner, then the owner goes. */
  private async orphanDependents(kind: GcKind, owner: ApiObject, ctx: ReconcileContext): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const dep of dependentsOf(owner, this.table, ctx.informers)) {
      await this.dropReferences(dep.kind, dep.obj, new Set([uid]), ctx);
    }
    await this.removeFinalizer(kind, owner, ORPHAN_FINALIZER, ctx);
  }

  private dropReferences(kind: GcKind, obj: ApiObject, uids: ReadonlySet<string>, ctx: ReconcileContext): Promise<unknown> {
    return updateWithRetry(ctx, kind.def, obj, (current) => {
      const refs = current.metadata.ownerReferences ?? [];
      const kept = refs.filter((r) => !uids.has(r.uid));
      if (kept.length === refs.length) return undefined;
      const metadata = { ...current.metadata, ownerReferences: kept };
      if (kept.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
      return { ...current, metadata };
    });
  }

  private removeFinalizer(kind: GcKind, obj: ApiObject, finalizer: string, ctx: ReconcileContext): Promise<unknown> {
    return updateWithRetry(ctx, kind.def, obj, (current) => {
      if (!hasFinalizer(current, finalizer)) return undefined;
      return { ...current, metadata: { ...current.metadata, finalizers: current.metadata.finalizers!.filter((f) => f !== finalizer) } };
    });
  }

  private async getLatest(kind: GcKind, obj: ApiObject, ctx: ReconcileContext): Promise<ApiObject | undefined> {
    try {
      const latest = await ctx.client.get(kind.def, obj.metadata.name!, { namespace: obj.metadata.namespace, signal: ctx.signal });
      return latest.metadata.uid === obj.metadata.uid ? latest : undefined;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  private async delete(kind: GcKind, obj: ApiObject, propagationPolicy: PropagationPolicy, ctx: ReconcileContext): Promise<void> {
    try {
      await ctx.client.delete(kind.def, obj.metadata.name!, {
        namespace: obj.metadata.namespace,
        propagationPolicy,
        preconditions: { uid: obj.metadata.uid },
        signal: ctx.signal,
      });
    } catch (err) {
      // Gone already, or a new object of the same name: nothing of ours left to delete.
      if (isApiError(err, 'NotFound') || isApiError(err, 'Conflict')) return;
      throw new Error(`garbage collector: deleting ${kind.def.kind} ${cacheKey(obj)}: ${(err as Error).message}`, { cause: err });
    }
  }
}
