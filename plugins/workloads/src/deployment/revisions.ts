// Revisions: which ReplicaSet holds the Deployment's current template, how revisions are
// numbered, and which old ReplicaSets the history limit lets go.
import { deepEqual, type Deployment, type PodTemplateSpec, type ReplicaSet } from '@corral/core/api';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../kinds.js';
import { withoutEmpty } from './semantic.js';

function withoutHash(template: PodTemplateSpec | undefined): unknown {
  if (!template?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL]) return template;
  const copy = structuredClone(template);
  delete copy.metadata!.labels![POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** Equal templates but for the pod-template-hash label, empty values counting as absent. */
export function sameTemplateIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return deepEqual(withoutEmpty(withoutHash(a)), withoutEmpty(withoutHash(b)));
}

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const n = Number(obj.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function createdAt(rs: ReplicaSet): number {
  const t = rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first (ties by name), the order Kubernetes scales old ReplicaSets down in. */
export function byAge(a: ReplicaSet, b: ReplicaSet): number {
  return createdAt(a) - createdAt(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** The ReplicaSet whose template is the Deployment's (the oldest, should there be two), and the others. */
export function splitNewAndOld(d: Deployment, sets: readonly ReplicaSet[]): { newRS?: ReplicaSet; oldRSes: ReplicaSet[] } {
  const sorted = [...sets].sort(byAge);
  const newRS = sorted.find((rs) => sameTemplateIgnoringHash(rs.spec.template, d.spec.template));
  return { newRS, oldRSes: sorted.filter((rs) => rs !== newRS) };
}

export function maxRevision(sets: readonly ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/**
 * Old ReplicaSets past `spec.revisionHistoryLimit`, oldest revision first; only empty ones that
 * are settled (status caught up, not being deleted) may go.
 */
export function historyToDelete(d: Deployment, oldRSes: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit < 0) return [];
  const excess = oldRSes.length - limit;
  if (excess <= 0) return [];
  const candidates = [...oldRSes].sort((a, b) => revisionOf(a) - revisionOf(b) || byAge(a, b));
  const out: ReplicaSet[] = [];
  for (const rs of candidates) {
    if (out.length >= excess) break;
    const settled =
      (rs.spec.replicas ?? 0) === 0 &&
      (rs.status?.replicas ?? 0) === 0 &&
      (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0) &&
      !rs.metadata.deletionTimestamp;
    if (settled) out.push(rs);
  }
  return out;
}
