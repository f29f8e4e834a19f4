// The cluster DNS's own Service: kube-system/kube-dns on a fixed ClusterIP (what pods'
// resolv.conf names), with hand-written Endpoints pointing at where this server listens.
import type { ApiClient } from '@corral/core/client';
import type { ApiObject, Endpoints, Service } from '@corral/core/api';

export const DNS_SERVICE = { namespace: 'kube-system', name: 'kube-dns' };

function isStatus(err: unknown, code: number): boolean {
  return (err as { code?: number; status?: number }).code === code || (err as { status?: number }).status === code;
}

async function upsert<T extends ApiObject>(client: ApiClient, resource: string, desired: T, same: (current: T) => boolean): Promise<void> {
  try {
    const current = await client.get<T>(resource, desired.metadata.name!, { namespace: desired.metadata.namespace });
    if (same(current)) return;
    await client.update(resource, { ...desired, metadata: { ...current.metadata, labels: desired.metadata.labels } });
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
    await client.create(resource, desired);
  }
}

export async function publishDnsService(client: ApiClient, serviceIP: string, address: string, port: number): Promise<void> {
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CorralDNS' };
  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP' as const },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  ];
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...DNS_SERVICE, labels },
    spec: { clusterIP: serviceIP, ports: ports.map((p) => ({ ...p, targetPort: port })) },
  };
  await upsert(client, 'services', service, (cur) => cur.spec.clusterIP === serviceIP && JSON.stringify(cur.spec.ports?.map((p) => p.targetPort)) === JSON.stringify([port, port]));
  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { ...DNS_SERVICE, labels },
    subsets: [{ addresses: [{ ip: address }], ports: ports.map((p) => ({ name: p.name, port, protocol: p.protocol })) }],
  };
  await upsert(client, 'endpoints', endpoints, (cur) => JSON.stringify(cur.subsets) === JSON.stringify(endpoints.subsets));
}
