// One sync of one Deployment: find or make the ReplicaSet of its template, move replicas from
// the old ReplicaSets to it as the strategy allows, and report the status.
import { ApiError, type Deployment, type ReplicaSet } from '@corral/core/api';
import { isControlledBy, newControllerRef } from '@corral/core/client';
import type { ReconcileContext, ReconcileResult } from '@corral/core/kernel';
import {
  CHANGE_CAUSE_ANNOTATION,
  DEPLOYMENT_KIND,
  DEPLOYMENTS,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REPLICA_SETS,
  REVISION_ANNOTATION,
} from '../kinds.js';
import { resolveFenceposts, type Fenceposts } from './fenceposts.js';
import { podTemplateHash } from './hash.js';
import { byAge, historyToDelete, maxRevision, revisionOf, sameTemplateIgnoringHash, splitNewAndOld } from './revisions.js';
import { newReplicaSetTarget, oldReplicaSetTargets, proportionalTargets, type RsCounts } from './rolling.js';
import { conditionOf, deploymentStatusChanged, nextStatus, PROGRESSING, rolloutComplete } from './status.js';

export function countsOf(rs: ReplicaSet): RsCounts {
  const replicas = rs.spec.replicas ?? 0;
  return {
    replicas,
    pods: Math.max(replicas, rs.status?.replicas ?? 0),
    available: Math.min(rs.status?.availableReplicas ?? 0, replicas),
  };
}

export class DeploymentSync {
  private d: Deployment;
  private readonly desired: number;
  private readonly fenceposts: Fenceposts;
  private newRS: ReplicaSet | undefined;
  private oldRSes: ReplicaSet[] = [];
  private event: 'created' | 'found' | undefined;

  constructor(
    private readonly ctx: ReconcileContext,
    deployment: Deployment,
    private sets: ReplicaSet[],
  ) {
    this.d = deployment;
    this.desired = deployment.spec.replicas ?? 1;
    this.fenceposts = resolveFenceposts(deployment.spec.strategy, this.desired);
  }

  private get namespace(): string | undefined {
    return this.d.metadata.namespace;
  }

  private get all(): ReplicaSet[] {
    return this.newRS ? [...this.oldRSes, this.newRS] : [...this.oldRSes];
  }

  /** Only scale (paused, or resized): no new ReplicaSet, no rollout step. */
  async scaleOnly(): Promise<ReconcileResult | void> {
    await this.resolveReplicaSets(false);
    await this.scale();
    if (this.d.spec.paused && rolloutComplete(this.d, nextStatus(this.d, this.all, this.newRS, this.ctx.clock.now()).status)) await this.cleanup();
    return this.syncStatus();
  }

  /** A resize of the Deployment since its ReplicaSets were last scaled. */
  async isScalingEvent(): Promise<boolean> {
    await this.resolveReplicaSets(false);
    return this.all.some((rs) => {
      const annotated = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return (rs.spec.replicas ?? 0) > 0 && annotated !== undefined && Number(annotated) !== this.desired;
    });
  }

  async rollingUpdate(): Promise<ReconcileResult | void> {
    await this.resolveReplicaSets(true);
    const newRS = this.newRS!;
    // Grow the new ReplicaSet first; the old ones shrink on the next sync, from fresh counts.
    const newReplicas = newRS.spec.replicas ?? 0;
    const target = newReplicas > this.desired ? this.desired : newReplicaSetTarget(this.desired, this.fenceposts.maxSurge, countsOf(newRS), this.all.map(countsOf));
    if (target !== newReplicas) {
      await this.scaleReplicaSet(newRS, target);
      return this.syncStatus();
    }
    const olds = [...this.oldRSes].sort(byAge);
    const targets = oldReplicaSetTargets(this.desired, this.fenceposts.maxUnavailable, countsOf(newRS), olds.map(countsOf));
    let scaled = false;
    for (const [i, rs] of olds.entries()) {
      if (targets[i] !== (rs.spec.replicas ?? 0)) {
        await this.scaleReplicaSet(rs, targets[i]!);
        scaled = true;
      }
    }
    if (!scaled && rolloutComplete(this.d, nextStatus(this.d, this.all, this.newRS, this.ctx.clock.now()).status)) await this.cleanup();
    return this.syncStatus();
  }

  async recreate(): Promise<ReconcileResult | void> {
    await this.resolveReplicaSets(false);
    let scaled = false;
    for (const rs of this.oldRSes) {
      if ((rs.spec.replicas ?? 0) > 0) {
        await this.scaleReplicaSet(rs, 0);
        scaled = true;
      }
    }
    if (scaled || this.oldPodsRunning()) return this.syncStatus();
    if (!this.newRS) await this.resolveReplicaSets(true);
    const newRS = this.newRS!;
    if ((newRS.spec.replicas ?? 0) !== this.desired) {
      await this.scaleReplicaSet(newRS, this.desired);
      return this.syncStatus();
    }
    if (rolloutComplete(this.d, nextStatus(this.d, this.all, this.newRS, this.ctx.clock.now()).status)) await this.cleanup();
    return this.syncStatus();
  }

  /** Only the status (the Deployment is being deleted). */
  async statusOnly(): Promise<ReconcileResult | void> {
    await this.resolveReplicaSets(false);
    return this.syncStatus();
  }

  /** Recreate waits until no pod of an old ReplicaSet is left, terminating ones included. */
  private oldPodsRunning(): boolean {
    const pods = this.ctx.informers.informer({ apiVersion: 'v1', kind: 'Pod' }).cache;
    return this.oldRSes.some((rs) => {
      if ((rs.status?.replicas ?? 0) > 0) return true;
      return pods.byIndex('ownerUid', rs.metadata.uid ?? '').some((pod) => {
        const phase = (pod.status as { phase?: string } | undefined)?.phase;
        return isControlledBy(pod, rs) && phase !== 'Succeeded' && phase !== 'Failed';
      });
    });
  }

  private async scale(): Promise<void> {
    const active = this.all.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? this.newRS ?? [...this.oldRSes].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
      if (target && (target.spec.replicas ?? 0) !== this.desired) await this.scaleReplicaSet(target, this.desired);
      return;
    }
    const newRS = this.newRS;
    if (newRS && (newRS.spec.replicas ?? 0) === this.desired && (newRS.status?.availableReplicas ?? 0) === this.desired) {
      for (const rs of this.oldRSes) if ((rs.spec.replicas ?? 0) > 0) await this.scaleReplicaSet(rs, 0);
      return;
    }
    if (this.d.spec.strategy?.type === 'Recreate') return;
    const allowed = this.desired + this.fenceposts.maxSurge;
    const sorted = [...active].sort((a, b) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0) || byAge(b, a));
    const targets = proportionalTargets(allowed, sorted.map((rs) => ({ replicas: rs.spec.replicas ?? 0 })));
    for (const [i, rs] of sorted.entries()) {
      // The annotation records the resize even where the count stays.
      if (targets[i] !== (rs.spec.replicas ?? 0) || rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] !== String(this.desired)) {
        await this.scaleReplicaSet(rs, targets[i]!);
      }
    }
  }

  /** Splits the ReplicaSets into the new one and the old ones; makes the new one when asked; numbers revisions. */
  private async resolveReplicaSets(create: boolean): Promise<void> {
    const { newRS, oldRSes } = splitNewAndOld(this.d, this.sets);
    this.oldRSes = oldRSes;
    const revision = maxRevision(oldRSes) + 1;
    if (newRS) {
      this.newRS = await this.syncNewReplicaSetMeta(newRS, revision);
      if (!this.event && !conditionOf(this.d.status, PROGRESSING)) this.event = 'found';
    } else if (create) {
      this.newRS = await this.createNewReplicaSet(revision);
      this.event = 'created';
    } else {
      this.newRS = undefined;
    }
    this.sets = this.all;
    if (this.newRS) await this.syncDeploymentRevision(revisionOf(this.newRS));
  }

  private async syncNewReplicaSetMeta(rs: ReplicaSet, revision: number): Promise<ReplicaSet> {
    const annotations = { ...rs.metadata.annotations };
    if (revisionOf(rs) < revision) annotations[REVISION_ANNOTATION] = String(revision);
    const cause = this.d.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause !== undefined) annotations[CHANGE_CAUSE_ANNOTATION] = cause;
    const minReady = this.d.spec.minReadySeconds ?? 0;
    const sameMeta = JSON.stringify(annotations) === JSON.stringify(rs.metadata.annotations ?? {});
    if (sameMeta && (rs.spec.minReadySeconds ?? 0) === minReady) return rs;
    const next: ReplicaSet = { ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, minReadySeconds: minReady } };
    return this.ctx.client.update(REPLICA_SETS, next, { signal: this.ctx.signal });
  }

  private async createNewReplicaSet(revision: number): Promise<ReplicaSet> {
    const d = this.d;
    const hash = podTemplateHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const replicas =
      d.spec.strategy?.type === 'Recreate'
        ? this.desired
        : newReplicaSetTarget(this.desired, this.fenceposts.maxSurge, { replicas: 0, pods: 0, available: 0 }, this.oldRSes.map(countsOf));
    const annotations: Record<string, string> = { ...this.replicaAnnotations(), [REVISION_ANNOTATION]: String(revision) };
    const cause = d.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause !== undefined) annotations[CHANGE_CAUSE_ANNOTATION] = cause;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: this.namespace,
        labels: { ...template.metadata.labels },
        annotations,
        ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)],
      },
      spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    try {
      const created = await this.ctx.client.create(REPLICA_SETS, rs, { signal: this.ctx.signal });
      if (replicas > 0) this.ctx.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${replicas}`);
      return created;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      // Our own ReplicaSet the cache has not shown yet, or a foreign one with the name.
      const existing = await this.ctx.client.get<ReplicaSet>(REPLICA_SETS, rs.metadata.name!, { namespace: this.namespace, signal: this.ctx.signal });
      if (isControlledBy(existing, d) && sameTemplateIgnoringHash(existing.spec.template, d.spec.template)) return existing;
      const collisionCount = (d.status?.collisionCount ?? 0) + 1;
      await this.ctx.client.updateStatus(DEPLOYMENTS, { ...d, apiVersion: 'apps/v1', kind: 'Deployment', status: { ...d.status, collisionCount } }, { signal: this.ctx.signal });
      throw new Error(`deployment ${this.namespace}/${d.metadata.name}: ReplicaSet "${rs.metadata.name}" exists and is not this deployment's; retrying with collisionCount ${collisionCount}`);
    }
  }

  private async syncDeploymentRevision(revision: number): Promise<void> {
    if (revision === 0 || this.d.metadata.annotations?.[REVISION_ANNOTATION] === String(revision)) return;
    const patch = { metadata: { annotations: { [REVISION_ANNOTATION]: String(revision) } } };
    this.d = await this.ctx.client.patch<Deployment>(DEPLOYMENTS, this.d.metadata.name!, patch, 'merge', { namespace: this.namespace, signal: this.ctx.signal });
  }

  private replicaAnnotations(): Record<string, string> {
    return {
      [DESIRED_REPLICAS_ANNOTATION]: String(this.desired),
      [MAX_REPLICAS_ANNOTATION]: String(this.desired + this.fenceposts.maxSurge),
    };
  }

  private async scaleReplicaSet(rs: ReplicaSet, replicas: number): Promise<void> {
    const before = rs.spec.replicas ?? 0;
    const next: ReplicaSet = {
      ...rs,
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, ...this.replicaAnnotations() } },
      spec: { ...rs.spec, replicas },
    };
    const updated = await this.writeReplicaSet(next);
    if (this.newRS === rs) this.newRS = updated;
    this.oldRSes = this.oldRSes.map((o) => (o === rs ? updated : o));
    this.sets = this.all;
    if (before !== replicas) {
      const verb = replicas > before ? 'up' : 'down';
      this.ctx.events.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${verb} replica set ${rs.metadata.name} to ${replicas} from ${before}`);
    }
  }

  private async cleanup(): Promise<void> {
    for (const rs of historyToDelete(this.d, this.oldRSes)) {
      try {
        await this.ctx.client.delete(REPLICA_SETS, rs.metadata.name!, { namespace: this.namespace, preconditions: { uid: rs.metadata.uid }, signal: this.ctx.signal });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
  }

  /**
   * Writes a ReplicaSet; when the cache was behind (its status moved on), once more onto the
   * stored object, if nobody changed its spec meanwhile.
   */
  private async writeReplicaSet(next: ReplicaSet): Promise<ReplicaSet> {
    try {
      return await this.ctx.client.update(REPLICA_SETS, next, { signal: this.ctx.signal });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      const fresh = await this.ctx.client.get<ReplicaSet>(REPLICA_SETS, next.metadata.name!, { namespace: this.namespace, signal: this.ctx.signal });
      if (fresh.metadata.uid !== next.metadata.uid || fresh.metadata.generation !== next.metadata.generation) throw err;
      return this.ctx.client.update(REPLICA_SETS, { ...next, metadata: { ...next.metadata, resourceVersion: fresh.metadata.resourceVersion }, status: fresh.status }, { signal: this.ctx.signal });
    }
  }

  private async syncStatus(): Promise<ReconcileResult | void> {
    let result = nextStatus(this.d, this.all, this.newRS, this.ctx.clock.now(), this.event);
    if (!deploymentStatusChanged(this.d.status, result.status)) return requeue(result.requeueAfterMs);
    try {
      this.d = await this.ctx.client.updateStatus(DEPLOYMENTS, { ...this.d, apiVersion: 'apps/v1', kind: 'Deployment', status: result.status }, { signal: this.ctx.signal });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      // The cache was behind our own last status write: compute again on the stored object,
      // unless its spec changed (then the next sync handles it).
      const fresh = await this.ctx.client.get<Deployment>(DEPLOYMENTS, this.d.metadata.name!, { namespace: this.namespace, signal: this.ctx.signal });
      if (fresh.metadata.uid !== this.d.metadata.uid || fresh.metadata.generation !== this.d.metadata.generation) throw err;
      result = nextStatus(fresh, this.all, this.newRS, this.ctx.clock.now(), this.event);
      if (deploymentStatusChanged(fresh.status, result.status)) {
        this.d = await this.ctx.client.updateStatus(DEPLOYMENTS, { ...fresh, apiVersion: 'apps/v1', kind: 'Deployment', status: result.status }, { signal: this.ctx.signal });
      }
    }
    return requeue(result.requeueAfterMs);
  }
}

function requeue(afterMs: number | undefined): ReconcileResult | void {
  return afterMs === undefined ? undefined : { requeueAfterMs: afterMs };
}
