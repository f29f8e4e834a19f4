// The node lifecycle controller: a node that stops heartbeating turns Ready=Unknown and gets
// the unreachable taints (not-ready when its agent reports Ready=False); its pods are marked
// not ready at once, so Services drop them, and evicted once their NoExecute toleration (or
// the default grace) runs out; the pods of a deleted node are deleted outright. All timing
// comes from ctx.clock and requeues. When most or all nodes are NotReady at once, nothing is
// evicted (disruption.ts).
import { isApiError, type ApiObject, type Lease, type Node, type Pod } from '@corral/core/api';
import type { ControllerRegistration, KindRef, ReconcileContext, ReconcileResult, SharedInformers } from '@corral/core/kernel';
import type { ResourceRef } from '@corral/core/client';
import { clusterHealth, DEFAULT_UNHEALTHY_THRESHOLD, EVICTIONS_PAUSED_REASON, EVICTIONS_RESUMED_REASON, pausedMessage, resumedMessage } from './disruption.js';
import { lastHeartbeat, markedUnknown, readyCondition, reconciledTaints } from './health.js';
import { evictionTime } from './tolerations.js';

export const NODE_KIND: KindRef = { apiVersion: 'v1', kind: 'Node' };
export const LEASE_KIND: KindRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };
export const POD_KIND: KindRef = { apiVersion: 'v1', kind: 'Pod' };
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const EVICTION_REASON = 'TaintManagerEviction';
export const ORPHANED_POD_REASON = 'PodGCOrphaned';

export interface NodeLifecycleSettings {
  readonly gracePeriodMs: number;
  readonly podEvictionTimeoutSeconds: number;
  /**
   * The fraction of NotReady nodes (at least three of them) at which evictions stop, as when
   * every node is NotReady. Default 0.55, Kubernetes' unhealthyZoneThreshold.
   */
  readonly unhealthyThreshold?: number;
  readonly resources: { readonly nodes: ResourceRef; readonly pods: ResourceRef };
}

/** A node's Lease maps to the node. */
function leaseToNode(lease: ApiObject): string[] {
  return lease.metadata.namespace === NODE_LEASE_NAMESPACE && lease.metadata.name ? [lease.metadata.name] : [];
}

/** A pod landing on (or leaving) a node with NoExecute taints has an eviction clock to start. */
function podToNode(pod: ApiObject, informers: SharedInformers): string[] {
  const nodeName = (pod as Pod).spec?.nodeName;
  if (!nodeName) return [];
  const node = informers.informer<Node>(NODE_KIND).cache.get(nodeName);
  return node?.spec?.taints?.some((t) => t.effect === 'NoExecute') ? [nodeName] : [];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What the workers of one controller share. */
export interface DisruptionState {
  /** Whether the cluster was in disruption mode at the last look. */
  disrupted: boolean;
  /**
   * When this controller began to watch (ms). As Kubernetes' probe timestamps do, no node is
   * judged silent before a full grace period from then: after the control plane was away, the
   * stored heartbeats are old through no fault of the agents, which need a moment to reconnect.
   */
  watchingSince?: number;
}

/**
 * Whether evictions are paused now; on a change of mode, an event on `node` says so and every
 * node is synced again (its NoExecute taints removed, or set afresh).
 */
function inDisruption(node: Node, ctx: ReconcileContext, settings: NodeLifecycleSettings, state: DisruptionState, now: number): boolean {
  const threshold = settings.unhealthyThreshold ?? DEFAULT_UNHEALTHY_THRESHOLD;
  const nodes = ctx.informers.informer<Node>(NODE_KIND).cache.list();
  const leases = ctx.informers.informer<Lease>(LEASE_KIND).cache;
  const health = clusterHealth(nodes, (n) => leases.get(`${NODE_LEASE_NAMESPACE}/${n}`), now, settings.gracePeriodMs, threshold, state.watchingSince);
  if (health.disrupted !== state.disrupted) {
    state.disrupted = health.disrupted;
    if (health.disrupted) ctx.events.event(node, 'Warning', EVICTIONS_PAUSED_REASON, pausedMessage(health, threshold));
    else ctx.events.event(node, 'Normal', EVICTIONS_RESUMED_REASON, resumedMessage(health));
    for (const other of nodes) if (other.metadata.name !== node.metadata.name) ctx.enqueue(other.metadata.name!);
  }
  return health.disrupted;
}

export async function syncNode(name: string, ctx: ReconcileContext, settings: NodeLifecycleSettings, disruption: DisruptionState = { disrupted: false }): Promise<ReconcileResult | void> {
  let node = ctx.informers.informer<Node>(NODE_KIND).cache.get(name);
  if (!node) return deleteOrphanedPods(name, ctx, settings);
  const lease = ctx.informers.informer<Lease>(LEASE_KIND).cache.get(`${NODE_LEASE_NAMESPACE}/${name}`);
  const now = ctx.clock.now();
  disruption.watchingSince ??= now;
  const disrupted = inDisruption(node, ctx, settings, disruption, now);
  const expiresAt = Math.max(lastHeartbeat(node, lease), disruption.watchingSince) + settings.gracePeriodMs;
  const silent = now >= expiresAt;

  if (silent) {
    const unknown = markedUnknown(node, iso(now));
    if (unknown) node = await ctx.client.updateStatus(settings.resources.nodes, unknown, { signal: ctx.signal });
  }
  const readyStatus = silent ? 'Unknown' : readyCondition(node)?.status;
  const taints = reconciledTaints(node, readyStatus, iso(now), !disrupted);
  if (taints) node = await ctx.client.update(settings.resources.nodes, { ...node, spec: { ...node.spec, taints } }, { signal: ctx.signal });

  const pods = ctx.informers.informer<Pod>(POD_KIND).cache.byIndex('nodeName', name);
  if (readyStatus !== 'True') await markPodsNotReady(pods, ctx, settings, now);
  const nextEviction = await evictPods(node, pods, ctx, settings, now);

  const waits = [nextEviction - now];
  if (!silent) waits.push(expiresAt - now);
  const wait = Math.min(...waits);
  return Number.isFinite(wait) ? { requeueAfterMs: Math.max(1, Math.ceil(wait)) } : undefined;
}

/**
 * Kubernetes' pod GC for a deleted node: no agent is left to finish its pods' deletion, so
 * they are deleted at once (grace 0), once the API confirms the node is gone.
 */
async function deleteOrphanedPods(nodeName: string, ctx: ReconcileContext, settings: NodeLifecycleSettings): Promise<void> {
  const pods = ctx.informers.informer<Pod>(POD_KIND).cache.byIndex('nodeName', nodeName);
  if (pods.length === 0) return;
  try {
    await ctx.client.get(settings.resources.nodes, nodeName, { signal: ctx.signal });
    return;
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
  for (const pod of pods) {
    try {
      await ctx.client.delete(settings.resources.pods, pod.metadata.name!, {
        namespace: pod.metadata.namespace,
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
        signal: ctx.signal,
      });
      ctx.events.event(pod, 'Normal', ORPHANED_POD_REASON, `Deleting pod ${pod.metadata.namespace}/${pod.metadata.name}: node ${nodeName} no longer exists`);
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}

/** Kubernetes' MarkPodsNotReady: Ready=False on every pod of a node that is not Ready. */
async function markPodsNotReady(pods: readonly Pod[], ctx: ReconcileContext, settings: NodeLifecycleSettings, now: number): Promise<void> {
  for (const pod of pods) {
    const conditions = pod.status?.conditions ?? [];
    const i = conditions.findIndex((c) => c.type === 'Ready' && c.status === 'True');
    if (i < 0 || pod.metadata.deletionTimestamp !== undefined) continue;
    const next = [...conditions];
    next[i] = { ...conditions[i]!, status: 'False', lastTransitionTime: iso(now) };
    try {
      await ctx.client.updateStatus(settings.resources.pods, { ...pod, status: { ...pod.status, conditions: next } }, { signal: ctx.signal });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}

/** Deletes the pods whose time is up; returns when the next one is due (Infinity: none). */
async function evictPods(node: Node, pods: readonly Pod[], ctx: ReconcileContext, settings: NodeLifecycleSettings, now: number): Promise<number> {
  const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (taints.length === 0) return Infinity;
  let next = Infinity;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    const at = evictionTime(pod, taints, settings.podEvictionTimeoutSeconds, now);
    if (at > now) {
      next = Math.min(next, at);
      continue;
    }
    const { namespace, name } = pod.metadata;
    try {
      await ctx.client.delete(settings.resources.pods, name!, { namespace, preconditions: { uid: pod.metadata.uid }, signal: ctx.signal });
      ctx.events.event(pod, 'Normal', EVICTION_REASON, `Marking for deletion Pod ${namespace}/${name}`);
    } catch (err) {
      // Gone or replaced meanwhile: nothing left to evict.
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
  return next;
}

export function nodeLifecycleController(settings: NodeLifecycleSettings): ControllerRegistration {
  const disruption: DisruptionState = { disrupted: false };
  return {
    name: 'node-lifecycle',
    for: NODE_KIND,
    watches: [
      { kind: LEASE_KIND, keys: leaseToNode },
      { kind: POD_KIND, keys: podToNode },
    ],
    workers: 2,
    reconcile: (key, ctx) => syncNode(key, ctx, settings, disruption),
  };
}
