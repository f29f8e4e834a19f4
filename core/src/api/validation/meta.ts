// Rules for metadata: names, namespaces, labels, annotations, owner references, and the label
// selector structs that workloads carry.
import {
  dns1123LabelProblems,
  labelValueProblems,
  pathSegmentProblems,
  qualifiedNameProblems,
  type NameValidator,
} from '../names.js';
import { isRecord, nonEmptyString, recordItems, stringEntries } from '../objects.js';
import type { StatusCause } from '../types.js';
import {
  FieldPath,
  forbiddenField,
  invalidValue,
  requiredValue,
  tooLongValue,
  unsupportedValue,
} from './field.js';
import { problemsOf } from './remembered.js';

/** Total size of all annotations of an object, keys and values, as Kubernetes limits it. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function validateLabels(labels: unknown, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of stringEntries(labels)) {
    for (const p of problemsOf(qualifiedNameProblems, key)) causes.push(invalidValue(path, key, p));
    for (const p of problemsOf(labelValueProblems, value)) causes.push(invalidValue(path.key(key), value, p));
  }
  return causes;
}

export function validateAnnotations(annotations: unknown, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let size = 0;
  for (const [key, value] of stringEntries(annotations)) {
    for (const p of problemsOf(qualifiedNameProblems, key.toLowerCase())) causes.push(invalidValue(path, key, p));
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > ANNOTATIONS_MAX_BYTES) causes.push(tooLongValue(path, ANNOTATIONS_MAX_BYTES, 'bytes in total'));
  return causes;
}

export interface MetaOptions {
  namespaced: boolean;
  validateName: NameValidator;
}

/** Namespaces repeat from object to object: their checks are remembered. */
const namespaceProblems: NameValidator = (name) => [...problemsOf(dns1123LabelProblems, name)];

function nameCauses(value: string, path: FieldPath, validate: NameValidator, prefix: boolean): StatusCause[] {
  const problems = [...pathSegmentProblems(value), ...validate(value, prefix)];
  return problems.map((p) => invalidValue(path, value, p));
}

export function validateObjectMeta(meta: unknown, opts: MetaOptions, path = FieldPath.of('metadata')): StatusCause[] {
  if (!isRecord(meta)) return [];
  const causes: StatusCause[] = [];
  const { name, generateName, namespace } = meta;
  if (nonEmptyString(name)) {
    causes.push(...nameCauses(name, path.child('name'), opts.validateName, false));
  } else if (nonEmptyString(generateName)) {
    causes.push(...nameCauses(generateName, path.child('generateName'), opts.validateName, true));
  } else if (name === undefined || name === '') {
    causes.push(requiredValue(path.child('name'), 'name or generateName is required'));
  }
  if (opts.namespaced) {
    if (namespace === undefined || namespace === '') causes.push(requiredValue(path.child('namespace')));
    else if (typeof namespace === 'string') {
      causes.push(...nameCauses(namespace, path.child('namespace'), namespaceProblems, false));
    }
  } else if (nonEmptyString(namespace)) {
    causes.push(forbiddenField(path.child('namespace'), 'not allowed on this type'));
  }
  causes.push(...validateLabels(meta.labels, path.child('labels')));
  causes.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  causes.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  for (const [i, f] of (Array.isArray(meta.finalizers) ? meta.finalizers : []).entries()) {
    if (typeof f !== 'string') continue;
    for (const p of qualifiedNameProblems(f)) causes.push(invalidValue(path.child('finalizers').index(i), f, p));
  }
  return causes;
}

function validateOwnerReferences(refs: unknown, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let controllers = 0;
  for (const [i, ref] of recordItems(refs)) {
    if (ref.controller === true) controllers++;
    if (typeof ref.apiVersion === 'string' && ref.apiVersion !== '' && !/^([a-z0-9.-]+\/)?v\d+\w*$/.test(ref.apiVersion)) {
      causes.push(invalidValue(path.index(i).child('apiVersion'), ref.apiVersion, "must be 'v1' or '<group>/<version>'"));
    }
  }
  if (controllers > 1) causes.push(invalidValue(path, controllers, 'only one reference can have controller set to true'));
  return causes;
}

/** Labels and annotations of a pod template (its name and namespace are not used). */
export function validateTemplateMeta(meta: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(meta)) return [];
  return [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
  ];
}

/** A `{matchLabels, matchExpressions}` struct: keys, values, and operators that fit their values. */
export function validateLabelSelector(selector: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(selector)) return [];
  const causes = validateLabels(selector.matchLabels, path.child('matchLabels'));
  for (const [i, expr] of recordItems(selector.matchExpressions)) {
    const at = path.child('matchExpressions').index(i);
    if (nonEmptyString(expr.key)) {
      for (const p of qualifiedNameProblems(expr.key)) causes.push(invalidValue(at.child('key'), expr.key, p));
    }
    const values = Array.isArray(expr.values) ? expr.values : [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          causes.push(requiredValue(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          causes.push(forbiddenField(at.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        break;
    }
    values.forEach((v, j) => {
      if (typeof v !== 'string') return;
      for (const p of labelValueProblems(v)) causes.push(invalidValue(at.child('values').index(j), v, p));
    });
  }
  return causes;
}

/** True for `{}` or an absent selector, which would select every pod in the namespace. */
export function isEmptyLabelSelector(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  const labels = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return labels + exprs === 0;
}

/** A value must be one of `supported`; for rules joi cannot express (enums that depend on context). */
export function requireOneOf(value: unknown, supported: readonly string[], path: FieldPath): StatusCause[] {
  return typeof value === 'string' && !supported.includes(value) ? [unsupportedValue(path, value, supported)] : [];
}
