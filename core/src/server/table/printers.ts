// Rows for the core (v1) kinds other than Pod, and for Lease, with kubectl's columns.

import type { ApiObject, ConfigMap, Endpoints, Event, Namespace, Node, Secret, Service, ServiceAccount } from '../../api/index.js';
import { age } from './age.js';
import { ageColumn, column, formatLabels, joinHostPort, nameColumn, nameOf, NONE, wide } from './format.js';
import type { Printer } from './types.js';

export const nodePrinter: Printer<Node> = {
  columns: [
    nameColumn,
    column('Status', 'Ready or NotReady from the Ready condition; SchedulingDisabled when cordoned.'),
    column('Roles', 'Roles from the node-role.kubernetes.io/<role> labels.'),
    ageColumn,
    column('Version', 'The version of the node agent.'),
    column('Internal-IP', "The node's internal address.", wide),
    column('External-IP', "The node's external address.", wide),
    column('OS-Image', 'The operating system image the node reports.', wide),
    column('Kernel-Version', 'The kernel version the node reports.', wide),
    column('Container-Runtime', 'The container runtime and its version.', wide),
  ],
  cells(node, ctx) {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (node.spec?.unschedulable) status.push('SchedulingDisabled');
    const address = (type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address ?? NONE;
    const info = node.status?.nodeInfo ?? {};
    return [
      nameOf(node.metadata),
      status.join(','),
      nodeRoles(node.metadata.labels).join(',') || NONE,
      age(node.metadata.creationTimestamp, ctx.now),
      info.kubeletVersion ?? '',
      address('InternalIP'),
      address('ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

/** Roles from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`. */
function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/') && key.length > 'node-role.kubernetes.io/'.length) {
      roles.add(key.slice('node-role.kubernetes.io/'.length));
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

const LB_WIDTH = 16;

export const servicePrinter: Printer<Service> = {
  columns: [
    nameColumn,
    column('Type', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'The virtual IP of the service inside the cluster.'),
    column('External-IP', 'Addresses the service is reachable on from outside the cluster.'),
    column('Port(s)', 'port[:nodePort]/protocol for each port.'),
    ageColumn,
    column('Selector', 'The labels of the pods the service sends traffic to.', wide),
  ],
  cells(svc, ctx) {
    const spec = svc.spec ?? {};
    const ports = (spec.ports ?? [])
      .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
      .join(',');
    return [
      nameOf(svc.metadata),
      spec.type ?? 'ClusterIP',
      spec.clusterIPs?.[0] ?? spec.clusterIP ?? NONE,
      externalIP(svc, ctx.wide),
      ports || NONE,
      age(svc.metadata.creationTimestamp, ctx.now),
      formatLabels(spec.selector),
    ];
  },
};

function externalIP(svc: Service, wideOutput: boolean): string {
  const external = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : NONE;
    case 'LoadBalancer': {
      const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);
      let lb = [...new Set(ingress)].sort().join(',');
      if (!wideOutput && lb.length > LB_WIDTH) lb = lb.slice(0, LB_WIDTH - 3) + '...';
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [nameColumn, column('Endpoints', 'Ready addresses with their ports (the first three).'), ageColumn],
  cells(ep, ctx) {
    return [nameOf(ep.metadata), formatEndpoints(ep), age(ep.metadata.creationTimestamp, ctx.now)];
  },
};

/** Up to three ready ip:port pairs, then "+ N more...". */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return NONE;
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    // A headless service may have no ports: then the addresses alone.
    const ports = subset.ports && subset.ports.length > 0 ? subset.ports.map((p) => p.port) : [undefined];
    for (const port of ports) {
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) break;
        list.push(port === undefined ? address.ip : joinHostPort(address.ip, port));
      }
    }
  }
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

export const namespacePrinter: Printer<Namespace> = {
  columns: [nameColumn, column('Status', 'Active, or Terminating while its contents are deleted.'), ageColumn],
  cells: (ns, ctx) => [nameOf(ns.metadata), ns.status?.phase ?? '', age(ns.metadata.creationTimestamp, ctx.now)],
};

export const configMapPrinter: Printer<ConfigMap> = {
  columns: [nameColumn, column('Data', 'The number of keys in data and binaryData.'), ageColumn],
  cells: (cm, ctx) => [
    nameOf(cm.metadata),
    Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    age(cm.metadata.creationTimestamp, ctx.now),
  ],
};

export const secretPrinter: Printer<Secret> = {
  columns: [
    nameColumn,
    column('Type', 'The type of secret, e.g. Opaque.'),
    column('Data', 'The number of keys in data.'),
    ageColumn,
  ],
  cells: (s, ctx) => [
    nameOf(s.metadata),
    s.type ?? '',
    Object.keys(s.data ?? {}).length,
    age(s.metadata.creationTimestamp, ctx.now),
  ],
};

export const serviceAccountPrinter: Printer<ServiceAccount> = {
  columns: [nameColumn, column('Secrets', 'The number of Secrets the account lists.'), ageColumn],
  cells: (sa, ctx) => [nameOf(sa.metadata), (sa.secrets ?? []).length, age(sa.metadata.creationTimestamp, ctx.now)],
};

export const eventPrinter: Printer<Event> = {
  columns: [
    column('Last Seen', 'How long ago the event last happened.'),
    column('Type', 'Normal or Warning.'),
    column('Reason', 'Why the event happened, in one word.'),
    column('Object', 'The object the event is about, as kind/name.'),
    column('Subobject', 'The part of the object, e.g. a container.', wide),
    column('Source', 'The component (and host) that reported the event.', wide),
    column('Message', 'What happened.'),
    column('First Seen', 'How long ago the event first happened.', wide),
    column('Count', 'How many times it happened.', wide),
    { ...nameColumn, priority: 1 },
  ],
  cells(ev, ctx) {
    const series = (ev as ApiObject)['series'] as { count?: number; lastObservedTime?: string } | undefined;
    const first = ev.firstTimestamp ? age(ev.firstTimestamp, ctx.now) : age(ev.eventTime, ctx.now);
    const last = series ? age(series.lastObservedTime, ctx.now) : ev.lastTimestamp ? age(ev.lastTimestamp, ctx.now) : first;
    const count = series ? (series.count ?? 0) : ev.count || 1;
    const involved = ev.involvedObject ?? {};
    const kind = (involved.kind ?? '').toLowerCase();
    const component = ev.source?.component || ev.reportingComponent || '';
    const host = ev.source?.host || ev.reportingInstance || '';
    return [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      involved.name ? `${kind}/${involved.name}` : kind,
      involved.fieldPath ?? '',
      host ? `${component}, ${host}` : component,
      (ev.message ?? '').trim(),
      first,
      count,
      nameOf(ev.metadata),
    ];
  },
};

export const leasePrinter: Printer = {
  columns: [nameColumn, column('Holder', 'Who holds the lease now.'), ageColumn],
  cells(lease, ctx) {
    const spec = (lease['spec'] ?? {}) as { holderIdentity?: string };
    return [nameOf(lease.metadata), spec.holderIdentity ?? '', age(lease.metadata.creationTimestamp, ctx.now)];
  },
};

/** Any other kind: its name and age. */
export const genericPrinter: Printer = {
  columns: [nameColumn, ageColumn],
  cells: (obj, ctx) => [nameOf(obj.metadata), age(obj.metadata?.creationTimestamp, ctx.now)],
};
