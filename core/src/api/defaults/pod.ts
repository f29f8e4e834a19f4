// Kubernetes' defaults for pods and pod templates. The fill functions change the object they are
// given (a private copy) and skip anything of the wrong shape, which validation then reports.
import { copyWithoutNulls, isRecord, recordItems } from '../objects.js';
import { isQuantity } from '../quantity.js';
import { compareQuantitiesRemembered } from '../validation/remembered.js';
import type { Pod, PodSpec, PodTemplateSpec } from '../types.js';

type Rec = Record<string, unknown>;

const fillers = new WeakMap<object, (obj: Rec) => void>();

/** The same function as a pure one: it works on a copy (without nulls) and returns it. */
export function pure<T>(fill: (obj: Rec) => void): (obj: T) => T {
  const defaults = (obj: T): T => {
    const copy = copyWithoutNulls(obj);
    if (isRecord(copy)) fill(copy);
    return copy;
  };
  fillers.set(defaults, fill);
  return defaults;
}

/**
 * The in-place fill behind a function made by `pure`, for a caller that already holds a private
 * copy without nulls (prepare's): the copy `pure` makes would be a second one.
 */
export function fillerOf(defaults: (obj: never) => unknown): ((obj: Rec) => void) | undefined {
  return fillers.get(defaults);
}

/** Sets `obj[key]` when it is absent; returns the value now there. */
export function setDefault(obj: Rec, key: string, value: unknown): unknown {
  if (obj[key] === undefined) obj[key] = value;
  return obj[key];
}

/** The object at `obj[key]`, created empty when absent; undefined when something else is there. */
export function child(obj: Rec, key: string): Rec | undefined {
  if (obj[key] === undefined) obj[key] = {};
  return isRecord(obj[key]) ? obj[key] : undefined;
}

/** Always pull a floating image (`:latest` or no tag); a pinned tag or digest only when missing. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  const tag = colon >= 0 ? lastPart.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function fillHandler(handler: unknown): void {
  if (!isRecord(handler) || !isRecord(handler.httpGet)) return;
  setDefault(handler.httpGet, 'path', '/');
  setDefault(handler.httpGet, 'scheme', 'HTTP');
}

function fillProbe(probe: unknown): void {
  if (!isRecord(probe)) return;
  fillHandler(probe);
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
}

function fillContainer(c: Rec, hostNetwork: boolean): void {
  if (typeof c.image === 'string' && c.image !== '') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const [, port] of recordItems(c.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (hostNetwork) setDefault(port, 'hostPort', port.containerPort);
  }
  for (const [, env] of recordItems(c.env)) {
    if (isRecord(env.valueFrom) && isRecord(env.valueFrom.fieldRef)) setDefault(env.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  fillProbe(c.livenessProbe);
  fillProbe(c.readinessProbe);
  fillProbe(c.startupProbe);
  if (isRecord(c.lifecycle)) {
    fillHandler(c.lifecycle.postStart);
    fillHandler(c.lifecycle.preStop);
  }
  // A limit without a request means the container asks for what it is limited to.
  const resources = c.resources;
  if (isRecord(resources) && isRecord(resources.limits)) {
    const requests = child(resources, 'requests');
    if (requests) for (const [name, limit] of Object.entries(resources.limits)) setDefault(requests, name, limit);
  }
}

function fillVolume(volume: Rec): void {
  const sources = ['emptyDir', 'hostPath', 'configMap', 'secret'];
  if (sources.every((s) => volume[s] === undefined) && Object.keys(volume).every((k) => k === 'name')) {
    volume.emptyDir = {};
  }
  if (isRecord(volume.configMap)) setDefault(volume.configMap, 'defaultMode', 0o644);
  if (isRecord(volume.secret)) setDefault(volume.secret, 'defaultMode', 0o644);
  if (isRecord(volume.hostPath)) setDefault(volume.hostPath, 'type', '');
}

export function fillPodSpec(spec: unknown): void {
  if (!isRecord(spec)) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  const hostNetwork = spec.hostNetwork === true;
  for (const [, c] of recordItems(spec.initContainers)) fillContainer(c, hostNetwork);
  for (const [, c] of recordItems(spec.containers)) fillContainer(c, hostNetwork);
  for (const [, v] of recordItems(spec.volumes)) fillVolume(v);
}

export function fillPodTemplate(template: unknown): void {
  if (isRecord(template)) fillPodSpec(template.spec);
}

/** Guaranteed, Burstable or BestEffort, from the containers' requests and limits. */
export function qosClassOf(spec: unknown): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = isRecord(spec) ? [...recordItems(spec.containers), ...recordItems(spec.initContainers)] : [];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const [, c] of containers) {
    const resources = isRecord(c.resources) ? c.resources : {};
    const requests = isRecord(resources.requests) ? resources.requests : {};
    const limits = isRecord(resources.limits) ? resources.limits : {};
    if (Object.keys(requests).length + Object.keys(limits).length > 0) anySet = true;
    for (const name of ['cpu', 'memory']) {
      const limit = limits[name];
      const request = requests[name] ?? limit;
      // A missing limit settles it without parsing (a failed parse throws, which is slow).
      if (limit === undefined || !isQuantity(limit) || !isQuantity(request) || compareQuantitiesRemembered(request, limit) !== 0) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function fillPod(pod: Rec): void {
  fillPodSpec(pod.spec);
  const status = child(pod, 'status');
  if (!status) return;
  setDefault(status, 'phase', 'Pending');
  if (isRecord(pod.spec)) setDefault(status, 'qosClass', qosClassOf(pod.spec));
}

/** A copy of `pod` with Kubernetes' defaults, status.phase Pending and its QoS class. */
export const defaultPod: (pod: Pod) => Pod = pure(fillPod);
export const defaultPodSpec: (spec: PodSpec) => PodSpec = pure(fillPodSpec);
export const defaultPodTemplate: (template: PodTemplateSpec) => PodTemplateSpec = pure(fillPodTemplate);
