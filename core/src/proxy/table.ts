// The desired data-path state, from Services and their Endpoints: what every proxy forwards.
import type { Endpoints, Service } from '../api/types.js';
import type { ServiceBackend, ServiceEntry, ServicePortEntry, ServiceTable } from '../kernel/contracts/proxy.js';

export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

/** Services with a virtual address or a node port; headless and ExternalName ones have nothing to forward. */
export function forwarded(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return false;
  const hasIP = Boolean(spec.clusterIP) && spec.clusterIP !== 'None';
  return hasIP || (spec.ports ?? []).some((p) => p.nodePort);
}

/** The backends of one service port: Endpoints ports match by name (unnamed when the Service has one port). */
function backendsOf(endpoints: Endpoints | undefined, portName: string | undefined, protocol: string): ServiceBackend[] {
  const out: ServiceBackend[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === (portName ?? '') && (p.protocol ?? 'TCP') === protocol);
    if (!port) continue;
    for (const a of subset.addresses ?? []) out.push({ ip: a.ip, port: port.port, nodeName: a.nodeName, ready: true });
    for (const a of subset.notReadyAddresses ?? []) out.push({ ip: a.ip, port: port.port, nodeName: a.nodeName, ready: false });
  }
  // A stable order, so equal inputs give equal tables (and data paths can skip no-op syncs).
  return out.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

export function serviceEntry(svc: Service, endpoints: Endpoints | undefined): ServiceEntry {
  const spec = svc.spec ?? {};
  const ports: ServicePortEntry[] = (spec.ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return {
      ...(p.name ? { name: p.name } : {}),
      protocol,
      port: p.port,
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
      backends: backendsOf(endpoints, p.name, protocol),
    };
  });
  const clusterIP = spec.clusterIP && spec.clusterIP !== 'None' ? spec.clusterIP : undefined;
  return {
    namespace: svc.metadata.namespace ?? 'default',
    name: svc.metadata.name ?? '',
    ...(clusterIP ? { clusterIP } : {}),
    ...(spec.externalIPs?.length ? { externalIPs: [...spec.externalIPs] } : {}),
    sessionAffinity: spec.sessionAffinity === 'ClientIP' ? 'ClientIP' : 'None',
    ...(spec.sessionAffinity === 'ClientIP'
      ? { sessionAffinityTimeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS }
      : {}),
    ports,
  };
}

/** The whole table, in a stable order. `endpointsOf` finds a Service's Endpoints (same namespace and name). */
export function buildServiceTable(services: Iterable<Service>, endpointsOf: (namespace: string, name: string) => Endpoints | undefined): ServiceTable {
  const entries: ServiceEntry[] = [];
  for (const svc of services) {
    if (!forwarded(svc)) continue;
    entries.push(serviceEntry(svc, endpointsOf(svc.metadata.namespace ?? 'default', svc.metadata.name ?? '')));
  }
  entries.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
  return { services: entries };
}
