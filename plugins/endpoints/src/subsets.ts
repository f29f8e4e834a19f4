// What a Service's Endpoints should hold, computed from the Service and the Pods its selector
// picks (Kubernetes' endpoints controller, pure). Addresses are grouped into subsets by their
// identical port sets and everything is sorted, so equal inputs give equal output and the
// controller can compare before writing.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from '@corral/core/api';

/** A pod that belongs in Endpoints at all (Kubernetes' ShouldPodBeInEndpoints). */
export function podInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP) return false;
  if (pod.metadata.deletionTimestamp !== undefined && !includeTerminating) return false;
  return true;
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/**
 * The container port a service port reaches on this pod: a number as is, a name through the
 * pod's named container ports of the same protocol; undefined when the pod has no such port.
 */
export function resolveTargetPort(servicePort: ServicePort, pod: Pod): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const asNumber = /^\d+$/.test(target) ? Number(target) : undefined;
  if (asNumber !== undefined) return asNumber;
  const protocol = servicePort.protocol ?? 'TCP';
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

function addressOf(pod: Pod, service: Service): EndpointAddress {
  const address: EndpointAddress = {
    ip: pod.status!.podIP!,
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (pod.spec.nodeName) address.nodeName = pod.spec.nodeName;
  // As Kubernetes: a pod's hostname is published only under the Service its subdomain names.
  if (pod.spec.hostname && pod.spec.subdomain === service.metadata.name) address.hostname = pod.spec.hostname;
  return address;
}

function portKey(port: EndpointPort): string {
  return `${port.name ?? ''}\u0000${port.port}\u0000${port.protocol ?? 'TCP'}`;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

interface Group {
  ports: EndpointPort[];
  ready: EndpointAddress[];
  notReady: EndpointAddress[];
}

/**
 * The subsets of `service`'s Endpoints: `pods` are the candidates (the selector already
 * applied). Ready pods go to `addresses`, the others to `notReadyAddresses`, unless the Service
 * publishes not-ready addresses; a pod without a named target port is left out of that port.
 */
export function computeSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec.publishNotReadyAddresses === true;
  const servicePorts = service.spec.ports ?? [];
  const headless = service.spec.clusterIP === 'None';
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    if (!podInEndpoints(pod, publishNotReady)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = resolveTargetPort(sp, pod);
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      ports.push(ep);
    }
    // A pod that serves none of the ports appears nowhere, except under a headless Service
    // without ports (DNS records only).
    if (ports.length === 0 && !(servicePorts.length === 0 && headless)) continue;
    ports.sort((a, b) => portKey(a).localeCompare(portKey(b)));
    const key = ports.map(portKey).join('\u0001');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? group.ready : group.notReady).push(addressOf(pod, service));
  }
  const subsets: EndpointSubset[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    const subset: EndpointSubset = {};
    if (group.ready.length > 0) subset.addresses = group.ready.sort(compareAddresses);
    if (group.notReady.length > 0) subset.notReadyAddresses = group.notReady.sort(compareAddresses);
    if (group.ports.length > 0) subset.ports = group.ports;
    subsets.push(subset);
  }
  return subsets;
}

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/** The Endpoints' labels: the Service's, plus the headless mark for `clusterIP: None`. */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata.labels };
  if (service.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}
