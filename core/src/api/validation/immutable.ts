// Update rules: what may not change between the stored object and the new one. Both are
// expected to be defaulted, so a field left out and a field set to its default compare equal.
import { deepEqual, isRecord, nonEmptyString } from '../objects.js';
import type { StatusCause } from '../types.js';
import { FieldPath, forbiddenField, invalidValue } from './field.js';

type Rec = Record<string, unknown>;

const IMMUTABLE = 'field is immutable';

function rec(value: unknown): Rec {
  return isRecord(value) ? value : {};
}

/** A field that may not change once the object exists. */
export function immutableField(value: unknown, old: unknown, path: FieldPath): StatusCause[] {
  return deepEqual(value, old) ? [] : [invalidValue(path, value ?? null, IMMUTABLE)];
}

/** metadata.name, namespace, uid and creationTimestamp never change. */
export function validateMetaUpdate(obj: Rec, old: Rec): StatusCause[] {
  const meta = rec(obj.metadata);
  const oldMeta = rec(old.metadata);
  const causes: StatusCause[] = [];
  for (const field of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    if (oldMeta[field] === undefined) continue;
    causes.push(...immutableField(meta[field], oldMeta[field], FieldPath.of('metadata', field)));
  }
  return causes;
}

const POD_MUTABLE =
  'pod updates may not change fields other than spec.containers[*].image, spec.initContainers[*].image, ' +
  'spec.activeDeadlineSeconds (set or lowered) and spec.tolerations (additions only)';

/** A Pod's spec is fixed at creation, apart from images, the deadline and added tolerations. */
export function validatePodUpdate(pod: Rec, old: Rec): StatusCause[] {
  const spec = rec(pod.spec);
  const oldSpec = rec(old.spec);
  const path = FieldPath.of('spec');
  const causes: StatusCause[] = [];
  const comparable: Rec = { ...spec };

  for (const list of ['containers', 'initContainers'] as const) {
    const now = spec[list];
    const before = oldSpec[list];
    if (Array.isArray(now) && Array.isArray(before) && now.length === before.length) {
      comparable[list] = now.map((c, i) => (isRecord(c) && isRecord(before[i]) ? { ...c, image: before[i].image } : c));
    }
  }

  const deadline = spec.activeDeadlineSeconds;
  const oldDeadline = oldSpec.activeDeadlineSeconds;
  if (typeof oldDeadline === 'number') {
    if (deadline === undefined) {
      causes.push(invalidValue(path.child('activeDeadlineSeconds'), null, 'may not be removed once set'));
    } else if (typeof deadline === 'number' && deadline > oldDeadline) {
      causes.push(invalidValue(path.child('activeDeadlineSeconds'), deadline, `may only be lowered (it was ${oldDeadline})`));
    }
  }
  comparable.activeDeadlineSeconds = oldDeadline;

  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const oldTolerations = Array.isArray(oldSpec.tolerations) ? oldSpec.tolerations : [];
  const kept = oldTolerations.every((t) => tolerations.some((n) => deepEqual(n, t)));
  if (!kept) {
    causes.push(forbiddenField(path.child('tolerations'), 'existing tolerations may not be removed or changed, only new ones added'));
  }
  comparable.tolerations = oldSpec.tolerations;

  if (!deepEqual(comparable, oldSpec)) causes.push(forbiddenField(path, POD_MUTABLE));
  return causes;
}

/** A Service keeps its cluster IP for life, unless it is or becomes an ExternalName service. */
export function validateServiceUpdate(svc: Rec, old: Rec): StatusCause[] {
  const spec = rec(svc.spec);
  const oldSpec = rec(old.spec);
  const path = FieldPath.of('spec');
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName' || !nonEmptyString(oldSpec.clusterIP)) return [];
  const causes = immutableField(spec.clusterIP, oldSpec.clusterIP, path.child('clusterIP'));
  if (Array.isArray(spec.clusterIPs) && Array.isArray(oldSpec.clusterIPs) && oldSpec.clusterIPs.length > 0) {
    causes.push(...immutableField(spec.clusterIPs[0], oldSpec.clusterIPs[0], path.child('clusterIPs').index(0)));
  }
  return causes;
}

/** Deployments, ReplicaSets and Jobs own their pods through the selector: it may not change. */
export function validateSelectorUpdate(obj: Rec, old: Rec): StatusCause[] {
  return immutableField(rec(obj.spec).selector, rec(old.spec).selector, FieldPath.of('spec', 'selector'));
}

export function validateJobUpdate(job: Rec, old: Rec): StatusCause[] {
  return [
    ...validateSelectorUpdate(job, old),
    ...immutableField(rec(job.spec).template, rec(old.spec).template, FieldPath.of('spec', 'template')),
  ];
}

const FROZEN = 'field is immutable when `immutable` is set';

/** ConfigMaps and Secrets marked `immutable: true` keep their data and the mark. */
export function validateImmutableData(obj: Rec, old: Rec, dataFields: readonly string[]): StatusCause[] {
  if (old.immutable !== true) return [];
  const causes: StatusCause[] = [];
  if (obj.immutable !== true) causes.push(forbiddenField(FieldPath.of('immutable'), FROZEN));
  for (const field of dataFields) {
    if (!deepEqual(obj[field], old[field])) causes.push(forbiddenField(FieldPath.of(field), FROZEN));
  }
  return causes;
}
