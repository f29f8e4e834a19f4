// Rules of a pod spec beyond its shape: unique names, references between fields, one handler per
// probe, one source per volume, and the syntax of names and ports.
import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  envVarNameProblems,
  ianaSvcNameProblems,
  qualifiedNameProblems,
} from '../names.js';
import { isRecord, nonEmptyString, recordItems } from '../objects.js';
import { isQuantity, parseQuantity } from '../quantity.js';
import type { StatusCause } from '../types.js';
import {
  duplicateValue,
  FieldPath,
  forbiddenField,
  invalidValue,
  notFoundValue,
  requiredValue,
} from './field.js';
import { validateLabels } from './meta.js';
import { compareQuantitiesRemembered, problemsOf } from './remembered.js';

export interface PodSpecOptions {
  /** A template inside a workload: the image may be left for tooling to fill in. */
  template: boolean;
}

type Rec = Record<string, unknown>;

const HANDLERS = ['exec', 'httpGet', 'tcpSocket'] as const;
const VOLUME_SOURCES = ['emptyDir', 'hostPath', 'configMap', 'secret'] as const;
const ENV_SOURCES = ['configMapKeyRef', 'secretKeyRef', 'fieldRef', 'resourceFieldRef'] as const;

function problemsAt(path: FieldPath, value: string, problems: readonly string[]): StatusCause[] {
  return problems.map((p) => invalidValue(path, value, p));
}

/** A port given as a number (1-65535, joi checks the type) or as a container port's name. */
export function validatePortNumOrName(port: unknown, path: FieldPath): StatusCause[] {
  if (typeof port === 'number') {
    return port >= 1 && port <= 65535 ? [] : [invalidValue(path, port, 'must be between 1 and 65535, inclusive')];
  }
  if (typeof port === 'string') return problemsAt(path, port, ianaSvcNameProblems(port));
  return [];
}

function validateHandler(handler: Rec, path: FieldPath, what: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const given = HANDLERS.filter((h) => handler[h] !== undefined);
  if (given.length === 0) causes.push(requiredValue(path, `must specify a handler type (${HANDLERS.join(', ')})`));
  for (const extra of given.slice(1)) {
    causes.push(forbiddenField(path.child(extra), `may not specify more than 1 handler type in a ${what}`));
  }
  for (const h of ['httpGet', 'tcpSocket'] as const) {
    const action = handler[h];
    if (isRecord(action)) causes.push(...validatePortNumOrName(action.port, path.child(h, 'port')));
  }
  return causes;
}

function validateProbe(probe: unknown, path: FieldPath, mustSucceedOnce: boolean): StatusCause[] {
  if (!isRecord(probe)) return [];
  const causes = validateHandler(probe, path, 'probe');
  if (mustSucceedOnce && typeof probe.successThreshold === 'number' && probe.successThreshold !== 1) {
    causes.push(invalidValue(path.child('successThreshold'), probe.successThreshold, 'must be 1'));
  }
  return causes;
}

function validateEnv(container: Rec, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [i, env] of recordItems(container.env)) {
    const at = path.child('env').index(i);
    if (nonEmptyString(env.name)) causes.push(...problemsAt(at.child('name'), env.name, problemsOf(envVarNameProblems, env.name)));
    if (isRecord(env.valueFrom)) {
      if (nonEmptyString(env.value)) {
        causes.push(invalidValue(at.child('valueFrom'), '', 'may not be specified when `value` is not empty'));
      }
      const sources = ENV_SOURCES.filter((s) => (env.valueFrom as Rec)[s] !== undefined);
      if (sources.length !== 1) {
        causes.push(invalidValue(at.child('valueFrom'), '', `must specify exactly one of: ${ENV_SOURCES.join(', ')}`));
      }
    }
  }
  for (const [i, from] of recordItems(container.envFrom)) {
    const at = path.child('envFrom').index(i);
    const sources = ['configMapRef', 'secretRef'].filter((s) => from[s] !== undefined);
    if (sources.length !== 1) causes.push(invalidValue(at, '', 'must specify exactly one of: configMapRef, secretRef'));
    if (nonEmptyString(from.prefix)) {
      causes.push(...problemsAt(at.child('prefix'), from.prefix, envVarNameProblems(from.prefix)));
    }
  }
  return causes;
}

function validateResources(resources: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(resources)) return [];
  const causes: StatusCause[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    const map = resources[kind];
    if (!isRecord(map)) continue;
    for (const [name, q] of Object.entries(map)) {
      const at = path.child(kind).key(name);
      causes.push(...problemsAt(path.child(kind), name, problemsOf(qualifiedNameProblems, name)));
      if (isQuantity(q) && parseQuantity(q) < 0) causes.push(invalidValue(at, q, 'must be greater than or equal to 0'));
    }
  }
  const { requests, limits } = resources;
  if (isRecord(requests) && isRecord(limits)) {
    for (const [name, request] of Object.entries(requests)) {
      const limit = limits[name];
      if (isQuantity(request) && isQuantity(limit) && compareQuantitiesRemembered(request, limit) > 0) {
        causes.push(invalidValue(path.child('requests').key(name), request, `must be less than or equal to ${name} limit of ${limit}`));
      }
    }
  }
  return causes;
}

function validateContainer(c: Rec, path: FieldPath, volumes: Set<string>, opts: PodSpecOptions, hostNetwork: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  if (nonEmptyString(c.name)) causes.push(...problemsAt(path.child('name'), c.name, problemsOf(dns1123LabelProblems, c.name)));
  if (c.image === undefined || c.image === '') {
    if (!opts.template) causes.push(requiredValue(path.child('image')));
  } else if (typeof c.image === 'string' && c.image.trim() !== c.image) {
    causes.push(invalidValue(path.child('image'), c.image, 'must not have leading or trailing whitespace'));
  }
  const portNames = new Set<string>();
  for (const [i, port] of recordItems(c.ports)) {
    const at = path.child('ports').index(i);
    if (nonEmptyString(port.name)) {
      causes.push(...problemsAt(at.child('name'), port.name, problemsOf(ianaSvcNameProblems, port.name)));
      if (portNames.has(port.name)) causes.push(duplicateValue(at.child('name'), port.name));
      portNames.add(port.name);
    }
    if (hostNetwork && typeof port.hostPort === 'number' && port.hostPort !== port.containerPort) {
      causes.push(invalidValue(at.child('hostPort'), port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
  }
  causes.push(...validateEnv(c, path));
  causes.push(...validateResources(c.resources, path.child('resources')));
  const mountPaths = new Set<string>();
  for (const [i, mount] of recordItems(c.volumeMounts)) {
    const at = path.child('volumeMounts').index(i);
    if (nonEmptyString(mount.name) && !volumes.has(mount.name)) causes.push(notFoundValue(at.child('name'), mount.name));
    if (nonEmptyString(mount.mountPath)) {
      if (mountPaths.has(mount.mountPath)) causes.push(invalidValue(at.child('mountPath'), mount.mountPath, 'must be unique'));
      mountPaths.add(mount.mountPath);
    }
  }
  causes.push(...validateProbe(c.livenessProbe, path.child('livenessProbe'), true));
  causes.push(...validateProbe(c.readinessProbe, path.child('readinessProbe'), false));
  causes.push(...validateProbe(c.startupProbe, path.child('startupProbe'), true));
  if (isRecord(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop'] as const) {
      const handler = c.lifecycle[hook];
      if (isRecord(handler)) causes.push(...validateHandler(handler, path.child('lifecycle', hook), 'lifecycle hook'));
    }
  }
  return causes;
}

function validateVolumes(spec: Rec, path: FieldPath): { causes: StatusCause[]; names: Set<string> } {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  for (const [i, volume] of recordItems(spec.volumes)) {
    const at = path.child('volumes').index(i);
    if (nonEmptyString(volume.name)) {
      causes.push(...problemsAt(at.child('name'), volume.name, dns1123LabelProblems(volume.name)));
      if (names.has(volume.name)) causes.push(duplicateValue(at.child('name'), volume.name));
      names.add(volume.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => volume[s] !== undefined);
    if (sources.length === 0) causes.push(requiredValue(at, `must specify a volume type (${VOLUME_SOURCES.join(', ')})`));
    for (const extra of sources.slice(1)) causes.push(forbiddenField(at.child(extra), 'may not specify more than 1 volume type'));
    const { configMap, secret } = volume;
    if (isRecord(configMap)) {
      if (!nonEmptyString(configMap.name)) causes.push(requiredValue(at.child('configMap', 'name')));
      else causes.push(...problemsAt(at.child('configMap', 'name'), configMap.name, dns1123SubdomainProblems(configMap.name)));
    }
    if (isRecord(secret)) {
      if (!nonEmptyString(secret.secretName)) causes.push(requiredValue(at.child('secret', 'secretName')));
      else causes.push(...problemsAt(at.child('secret', 'secretName'), secret.secretName, dns1123SubdomainProblems(secret.secretName)));
    }
  }
  return { causes, names };
}

function validateTolerations(spec: Rec, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [i, t] of recordItems(spec.tolerations)) {
    const at = path.child('tolerations').index(i);
    if (nonEmptyString(t.key)) causes.push(...problemsAt(at.child('key'), t.key, qualifiedNameProblems(t.key)));
    else if (t.operator !== 'Exists') {
      const detail = 'must be Exists when `key` is empty (which matches every taint)';
      causes.push(invalidValue(at.child('operator'), t.operator ?? 'Equal', detail));
    }
    if (t.operator === 'Exists' && nonEmptyString(t.value)) {
      causes.push(invalidValue(at.child('value'), t.value, 'must be empty when `operator` is Exists'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      causes.push(invalidValue(at.child('effect'), t.effect ?? '', 'must be NoExecute when `tolerationSeconds` is set'));
    }
  }
  return causes;
}

function validateNodeSelectorTerm(term: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(term)) return [];
  const causes: StatusCause[] = [];
  for (const list of ['matchExpressions', 'matchFields'] as const) {
    for (const [i, req] of recordItems(term[list])) {
      const at = path.child(list).index(i);
      const values = Array.isArray(req.values) ? req.values : [];
      if (nonEmptyString(req.key)) {
        if (list === 'matchFields' && req.key !== 'metadata.name') {
          causes.push(invalidValue(at.child('key'), req.key, "only 'metadata.name' is supported"));
        } else if (list === 'matchExpressions') {
          causes.push(...problemsAt(at.child('key'), req.key, qualifiedNameProblems(req.key)));
        }
      }
      if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
        causes.push(requiredValue(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      } else if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
        causes.push(forbiddenField(at.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      } else if (req.operator === 'Gt' || req.operator === 'Lt') {
        if (values.length !== 1 || !/^-?\d+$/.test(String(values[0]))) {
          causes.push(invalidValue(at.child('values'), values, 'must be a single integer for `operator` Gt or Lt'));
        }
      }
    }
  }
  return causes;
}

function validateAffinity(affinity: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(affinity) || !isRecord(affinity.nodeAffinity)) return [];
  const node = affinity.nodeAffinity;
  const at = path.child('nodeAffinity');
  const causes: StatusCause[] = [];
  const required = node.requiredDuringSchedulingIgnoredDuringExecution;
  if (isRecord(required) && Array.isArray(required.nodeSelectorTerms)) {
    const terms = at.child('requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
    required.nodeSelectorTerms.forEach((term, i) => causes.push(...validateNodeSelectorTerm(term, terms.index(i))));
  }
  const preferred = at.child('preferredDuringSchedulingIgnoredDuringExecution');
  for (const [i, pref] of recordItems(node.preferredDuringSchedulingIgnoredDuringExecution)) {
    causes.push(...validateNodeSelectorTerm(pref.preference, preferred.index(i).child('preference')));
  }
  return causes;
}

/** Every cross-field problem of a pod spec at `path`. */
export function validatePodSpec(spec: unknown, path: FieldPath, opts: PodSpecOptions): StatusCause[] {
  if (!isRecord(spec)) return [];
  const { causes, names: volumes } = validateVolumes(spec, path);
  const hostNetwork = spec.hostNetwork === true;
  const containerNames = new Set<string>();
  const hostPorts = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    for (const [i, c] of recordItems(spec[list])) {
      const at = path.child(list).index(i);
      causes.push(...validateContainer(c, at, volumes, opts, hostNetwork));
      if (list === 'containers' && c.restartPolicy !== undefined) {
        causes.push(forbiddenField(at.child('restartPolicy'), 'may only be set on init containers (sidecars)'));
      }
      if (nonEmptyString(c.name)) {
        if (containerNames.has(c.name)) causes.push(duplicateValue(at.child('name'), c.name));
        containerNames.add(c.name);
      }
      if (list === 'initContainers') continue;
      for (const [j, port] of recordItems(c.ports)) {
        if (typeof port.hostPort !== 'number') continue;
        const id = `${port.hostIP ?? ''}/${port.hostPort}/${port.protocol ?? 'TCP'}`;
        if (hostPorts.has(id)) causes.push(duplicateValue(at.child('ports').index(j).child('hostPort'), port.hostPort));
        hostPorts.add(id);
      }
    }
  }
  causes.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  for (const field of ['nodeName', 'serviceAccountName'] as const) {
    const value = spec[field];
    if (nonEmptyString(value)) causes.push(...problemsAt(path.child(field), value, dns1123SubdomainProblems(value)));
  }
  for (const field of ['hostname', 'subdomain'] as const) {
    const value = spec[field];
    if (nonEmptyString(value)) causes.push(...problemsAt(path.child(field), value, dns1123LabelProblems(value)));
  }
  causes.push(...validateTolerations(spec, path));
  causes.push(...validateAffinity(spec.affinity, path.child('affinity')));
  return causes;
}
