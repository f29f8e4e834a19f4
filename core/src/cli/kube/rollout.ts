// What `rollout` reads from the API: a Deployment's rollout status (from its status and
// conditions, worded as kubectl words it) and its revisions (the ReplicaSets it owns, numbered by
// their `deployment.kubernetes.io/revision` annotation).
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../api/types.js';
import { deepEqual } from '../../api/objects.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { CliError } from './connect.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Annotations a ReplicaSet has that are about the rollout, not to copy back on undo. */
const NOT_COPIED_ON_UNDO = new Set([
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

export interface RolloutStatus {
  message: string;
  done: boolean;
}

/** kubectl's reading of a Deployment: done, or what it is waiting for. Throws when the deadline passed. */
export function deploymentStatus(d: Deployment): RolloutStatus {
  const name = d.metadata.name;
  const status = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...', done: false };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`deployment "${name}" exceeded its progress deadline`);
  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`, done: false };
  }
  if (replicas > updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`, done: false };
  }
  if (available < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const text = obj.metadata.annotations?.[REVISION_ANNOTATION];
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) ? n : undefined;
}

/** The ReplicaSets the Deployment controls (by owner reference), oldest revision first. */
export async function ownedReplicaSets(client: ApiClient, d: Deployment): Promise<ReplicaSet[]> {
  const list = await client.listAll<ReplicaSet>('replicasets.apps', { namespace: d.metadata.namespace });
  return list.items
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === d.metadata.uid))
    .sort((a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0));
}

/**
 * The ReplicaSet to roll back to: revision `toRevision`, or with 0 the one before the latest
 * (kubectl's choice).
 */
export function replicaSetForRevision(sets: readonly ReplicaSet[], d: Deployment, toRevision: number): ReplicaSet {
  if (toRevision > 0) {
    const found = sets.find((rs) => revisionOf(rs) === toRevision);
    if (!found) throw new CliError(`unable to find specified revision ${toRevision} in history`);
    return found;
  }
  const revisions = [...new Set(sets.map(revisionOf).filter((r): r is number => r !== undefined))].sort((a, b) => b - a);
  const previous = revisions[1];
  if (previous === undefined) throw new CliError(`no rollout history found for deployment "${d.metadata.name}"`);
  return sets.find((rs) => revisionOf(rs) === previous)!;
}

/** The ReplicaSet's template without the hash label the controller adds. */
export function templateOf(rs: ReplicaSet): PodTemplateSpec {
  const template = structuredClone(rs.spec.template ?? { spec: { containers: [] } });
  if (template.metadata?.labels) {
    delete template.metadata.labels[POD_TEMPLATE_HASH];
  }
  return template;
}

export function sameTemplate(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined): unknown => {
    if (!t) return t;
    const copy = structuredClone(t);
    if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
    return copy;
  };
  return deepEqual(strip(a), strip(b));
}

/** The Deployment's annotations after an undo: the ReplicaSet's own ones (change-cause...) copied over. */
export function annotationsAfterUndo(d: Deployment, rs: ReplicaSet): Record<string, string> {
  const out = { ...d.metadata.annotations };
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!NOT_COPIED_ON_UNDO.has(k)) out[k] = v;
  return out;
}
