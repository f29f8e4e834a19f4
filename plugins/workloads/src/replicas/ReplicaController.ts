// The ReplicaSet and ReplicationController controller (one sync, two kinds): keep exactly
// spec.replicas active pods matching the selector, then report what there is.
import {
  ApiError,
  labelSelectorAsSelector,
  Selector,
  selectorFromSet,
  type ApiObject,
  type Pod,
  type ReplicaSet,
  type ReplicationController,
} from '@corral/core/api';
import type { ControllerRegistration, KindRef, ReconcileContext, ReconcileResult } from '@corral/core/kernel';
import type { ResourceRef } from '@corral/core/client';
import { claimObjects } from '../claim.js';
import { InFlight } from '../InFlight.js';
import { POD_KIND, PODS, RC_KIND, REPLICA_SETS, REPLICATION_CONTROLLERS, RS_KIND } from '../kinds.js';
import { isPodActive } from '../pods.js';
import { podsToDelete } from '../ranking.js';
import { slowStartBatch } from '../slowStart.js';
import { podFromTemplate } from './podTemplate.js';
import { computeReplicaStatus, statusChanged } from './status.js';

type ReplicaObject = ReplicaSet | ReplicationController;

export interface ReplicaKind {
  readonly controllerName: string;
  readonly kind: KindRef;
  readonly resource: ResourceRef;
  selectorOf(obj: ReplicaObject): Selector;
}

export const REPLICA_SET: ReplicaKind = {
  controllerName: 'replicaset',
  kind: RS_KIND,
  resource: REPLICA_SETS,
  selectorOf: (rs) => labelSelectorAsSelector((rs as ReplicaSet).spec.selector),
};

export const REPLICATION_CONTROLLER: ReplicaKind = {
  controllerName: 'replicationcontroller',
  kind: RC_KIND,
  resource: REPLICATION_CONTROLLERS,
  // An empty map would select everything: select nothing instead.
  selectorOf: (rc) => {
    const selector = (rc as ReplicationController).spec.selector;
    return selector && Object.keys(selector).length > 0 ? selectorFromSet(selector) : Selector.nothing();
  },
};

export interface ReplicaControllerOptions {
  /** At most this many creates or deletes per sync (Kubernetes' burstReplicas). */
  burstReplicas: number;
  /** Every owner is synced again this often; 0: never. */
  resyncMs: number;
}

/** When the cache has not shown our own writes yet, look again soon even without an event. */
const UNSETTLED_RECHECK_MS = 1000;

export function replicaController(def: ReplicaKind, options: ReplicaControllerOptions, inFlightFor: (ctx: ReconcileContext) => InFlight): ControllerRegistration {
  return {
    name: def.controllerName,
    for: def.kind,
    owns: [POD_KIND],
    // A pod no one controls brings every owner whose selector matches it to the queue (to adopt it).
    watches: [
      {
        kind: POD_KIND,
        keys(obj, informers) {
          const pod = obj as Pod;
          if (pod.metadata.ownerReferences?.some((r) => r.controller) || !pod.metadata.namespace) return [];
          const owners = informers.informer<ReplicaObject>(def.kind).cache.byIndex('namespace', pod.metadata.namespace);
          return owners.filter((o) => def.selectorOf(o).matches(pod.metadata.labels)).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
        },
      },
    ],
    resyncMs: options.resyncMs > 0 ? options.resyncMs : undefined,
    reconcile: (key, ctx) => syncReplicas(def, options, inFlightFor(ctx), key, ctx),
  };
}

async function syncReplicas(def: ReplicaKind, options: ReplicaControllerOptions, inFlight: InFlight, key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const owner = ctx.informers.informer<ReplicaObject>(def.kind).cache.get(key);
  if (!owner) {
    inFlight.forget(key);
    return;
  }
  const pods = ctx.informers.informer<Pod>(POD_KIND);
  // Checked before reading the pods: what the cache shows after this is at least as new.
  const settled = inFlight.satisfied(key, pods.cache, pods.resourceVersion);
  const candidates = pods.cache.byIndex('namespace', owner.metadata.namespace ?? '').filter(isPodActive);
  const selector = def.selectorOf(owner);
  // Validation refuses an empty selector; should one get through, it must not claim every pod.
  if (selector.isEverything()) {
    ctx.events.event(owner, 'Warning', 'SelectingAll', 'This controller selects every pod: give it a non-empty selector.');
    return;
  }
  const managed = await claimObjects(ctx.client, PODS, owner, def.kind, selector, candidates);

  let failure: { reason: string; message: string; error: unknown } | undefined;
  if (settled && !owner.metadata.deletionTimestamp) failure = await manageReplicas(def, options, inFlight, key, owner, managed, ctx);

  const now = ctx.clock.now();
  const computed = computeReplicaStatus(owner, managed, now, failure);
  if (statusChanged(owner.status, computed.status)) await writeStatus(def, owner, computed.status, ctx);
  if (failure) throw failure.error;
  if (!settled) return { requeueAfterMs: UNSETTLED_RECHECK_MS };
  if (computed.requeueAfterMs !== undefined) return { requeueAfterMs: computed.requeueAfterMs };
}

async function manageReplicas(
  def: ReplicaKind,
  options: ReplicaControllerOptions,
  inFlight: InFlight,
  key: string,
  owner: ReplicaObject,
  pods: readonly Pod[],
  ctx: ReconcileContext,
): Promise<{ reason: string; message: string; error: unknown } | undefined> {
  const diff = pods.length - (owner.spec.replicas ?? 1);
  const namespace = owner.metadata.namespace;
  if (diff < 0) {
    const template = owner.spec.template;
    if (!template) return undefined;
    const count = Math.min(-diff, options.burstReplicas);
    const result = await slowStartBatch(count, 1, async () => {
      const pod = await ctx.client.create(PODS, podFromTemplate(owner, def.kind, template), { namespace, signal: requestSignal(ctx) });
      inFlight.created(key, pod);
      ctx.events.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    });
    if (result.error !== undefined) {
      const message = `Error creating: ${errorMessage(result.error)}`;
      ctx.events.event(owner, 'Warning', 'FailedCreate', message);
      return { reason: 'FailedCreate', message, error: result.error };
    }
    return undefined;
  }
  if (diff > 0) {
    const victims = podsToDelete(pods, Math.min(diff, options.burstReplicas));
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        try {
          await ctx.client.delete(PODS, pod.metadata.name!, { namespace, preconditions: { uid: pod.metadata.uid }, signal: requestSignal(ctx) });
        } catch (err) {
          // Already gone: that is what we wanted.
          if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
        }
        inFlight.deleted(key, pod);
        ctx.events.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      const message = `Error deleting: ${errorMessage(failed.reason)}`;
      ctx.events.event(owner, 'Warning', 'FailedDelete', message);
      return { reason: 'FailedDelete', message, error: failed.reason };
    }
  }
  return undefined;
}

async function writeStatus(def: ReplicaKind, owner: ReplicaObject, status: ReplicaObject['status'], ctx: ReconcileContext): Promise<void> {
  try {
    await ctx.client.updateStatus<ApiObject>(def.resource, { ...owner, ...def.kind, status }, { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) throw err;
    // The cache is behind: write onto the stored object once; a second conflict requeues.
    const fresh = await ctx.client.get<ReplicaObject>(def.resource, owner.metadata.name!, { namespace: owner.metadata.namespace, signal: ctx.signal });
    if (fresh.metadata.uid !== owner.metadata.uid) return;
    await ctx.client.updateStatus<ApiObject>(def.resource, { ...fresh, ...def.kind, status: { ...status, observedGeneration: Math.min(status?.observedGeneration ?? 0, fresh.metadata.generation ?? 0) } }, { signal: ctx.signal });
  }
}

/** One signal per request, following the controller's: hundreds of requests in flight would otherwise pile listeners on one signal. */
function requestSignal(ctx: ReconcileContext): AbortSignal {
  return AbortSignal.any([ctx.signal]);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
