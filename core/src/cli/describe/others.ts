// `describe` for Service, Node, Namespace, ConfigMap, Secret, and any other kind.
import type { ApiObject, ConfigMap, Endpoints, Namespace, Node, Secret, Service } from '../../api/types.js';
import { stringify } from 'yaml';
import { describeConditions, describeMeta, formatMap } from './common.js';
import { DescribeWriter, describeTime, NONE } from './writer.js';

export function describeService(w: DescribeWriter, svc: Service, endpoints?: Endpoints): void {
  const spec = svc.spec;
  describeMeta(w, svc);
  w.item(0, 'Selector', formatMap(spec.selector));
  w.item(0, 'Type', spec.type ?? 'ClusterIP');
  if (spec.ipFamilyPolicy) w.item(0, 'IP Family Policy', spec.ipFamilyPolicy);
  w.item(0, 'IP Families', spec.ipFamilies?.length ? spec.ipFamilies.join(',') : NONE);
  w.item(0, 'IP', spec.clusterIP ?? '');
  w.item(0, 'IPs', spec.clusterIPs?.length ? spec.clusterIPs.join(',') : NONE);
  if (spec.externalName) w.item(0, 'External Name', spec.externalName);
  if (spec.externalIPs?.length) w.item(0, 'External IPs', spec.externalIPs.join(','));
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    w.item(0, 'Port', `${name}  ${p.port}/${p.protocol ?? 'TCP'}`);
    w.item(0, 'TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`);
    if (p.nodePort) w.item(0, 'NodePort', `${name}  ${p.nodePort}/${p.protocol ?? 'TCP'}`);
    {
      const addresses = (endpoints?.subsets ?? []).flatMap((s) =>
        (s.ports ?? []).some((ep) => ep.name === p.name || (!ep.name && !p.name)) ? (s.addresses ?? []).map((a) => `${a.ip}:${(s.ports ?? []).find((ep) => ep.name === p.name || !ep.name)?.port}`) : [],
      );
      w.item(0, 'Endpoints', addresses.join(',') || NONE);
    }
  }
  w.item(0, 'Session Affinity', spec.sessionAffinity ?? 'None');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') w.item(0, 'External Traffic Policy', spec.externalTrafficPolicy ?? 'Cluster');
  w.item(0, 'Internal Traffic Policy', spec.internalTrafficPolicy ?? 'Cluster');
}

export function describeNode(w: DescribeWriter, node: Node): void {
  describeMeta(w, node, { namespace: false });
  w.item(0, 'CreationTimestamp', describeTime(node.metadata.creationTimestamp));
  const taints = (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  w.item(0, 'Taints', taints.length ? taints.join('\n\t') : NONE);
  w.item(0, 'Unschedulable', node.spec?.unschedulable ? 'true' : 'false');
  describeConditions(w, node.status?.conditions);
  const addresses = node.status?.addresses ?? [];
  w.line(0, 'Addresses:');
  for (const a of addresses) w.item(1, a.type, a.address);
  for (const [key, values] of [['Capacity', node.status?.capacity], ['Allocatable', node.status?.allocatable]] as const) {
    if (!values) continue;
    w.line(0, `${key}:`);
    for (const k of Object.keys(values).sort()) w.item(1, k, values[k]);
  }
  const info = node.status?.nodeInfo;
  if (info) {
    w.line(0, 'System Info:');
    w.item(1, 'Machine ID', info.machineID ?? '');
    w.item(1, 'Kernel Version', info.kernelVersion ?? '');
    w.item(1, 'OS Image', info.osImage ?? '');
    w.item(1, 'Operating System', info.operatingSystem ?? '');
    w.item(1, 'Architecture', info.architecture ?? '');
    w.item(1, 'Container Runtime Version', info.containerRuntimeVersion ?? '');
    w.item(1, 'Kubelet Version', info.kubeletVersion ?? '');
  }
  if (node.spec?.podCIDR) w.item(0, 'PodCIDR', node.spec.podCIDR);
  if (node.spec?.podCIDRs?.length) w.item(0, 'PodCIDRs', node.spec.podCIDRs.join(','));
}

export function describeNamespace(w: DescribeWriter, ns: Namespace): void {
  describeMeta(w, ns, { namespace: false });
  w.item(0, 'Status', ns.status?.phase ?? 'Active');
}

export function describeConfigMap(w: DescribeWriter, cm: ConfigMap): void {
  describeMeta(w, cm);
  w.line(0, '');
  w.line(0, 'Data');
  w.line(0, '====');
  for (const key of Object.keys(cm.data ?? {}).sort()) w.line(0, `${key}:`).line(0, '----').line(0, cm.data![key]!).line(0, '');
  w.line(0, '');
  w.line(0, 'BinaryData');
  w.line(0, '====');
  for (const key of Object.keys(cm.binaryData ?? {}).sort()) w.line(0, `${key}: ${Buffer.from(cm.binaryData![key]!, 'base64').length} bytes`);
  w.line(0, '');
}

/** A Secret's keys and sizes: never its values. */
export function describeSecret(w: DescribeWriter, secret: Secret): void {
  describeMeta(w, secret);
  w.line(0, '');
  w.item(0, 'Type', secret.type ?? 'Opaque');
  w.line(0, '');
  w.line(0, 'Data');
  w.line(0, '====');
  for (const key of Object.keys(secret.data ?? {}).sort()) w.item(0, key, `${Buffer.from(secret.data![key]!, 'base64').length} bytes`);
}

/** Any other kind: the metadata header, then its other fields as indented YAML-like lines. */
export function describeGeneric(w: DescribeWriter, obj: ApiObject): void {
  describeMeta(w, obj);
  w.item(0, 'API Version', obj.apiVersion ?? '');
  w.item(0, 'Kind', obj.kind ?? '');
  w.line(0, 'Metadata:');
  w.item(1, 'Creation Timestamp', obj.metadata.creationTimestamp ?? '');
  w.item(1, 'Resource Version', obj.metadata.resourceVersion ?? '');
  w.item(1, 'UID', obj.metadata.uid ?? '');
  for (const [key, value] of Object.entries(obj)) {
    if (['apiVersion', 'kind', 'metadata'].includes(key)) continue;
    const text = stringify({ [capitalize(key)]: value }, { indentSeq: false, lineWidth: 0 }).trimEnd();
    for (const line of text.split('\n')) w.line(0, line.replace(/^(\s*)([^:\s][^:]*):(\s)/, (_m, sp: string, k: string, s: string) => `${sp}${capitalize(k)}:${s === ' ' ? '\t' : s}`));
  }
}

function capitalize(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}
