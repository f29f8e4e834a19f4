// Cluster DNS names (Kubernetes' DNS spec) answered from Services and Endpoints:
//   <svc>.<ns>.svc.<domain>            A: the ClusterIP; headless: every ready endpoint; ExternalName: CNAME
//   <host>.<svc>.<ns>.svc.<domain>     A: a headless Service's endpoint with that hostname (or dashed IP)
//   _<port>._<proto>.<svc>.<ns>.svc... SRV: the named port, to the Service (or each endpoint, headless)
//   <a-b-c-d>.<ns>.pod.<domain>        A: a.b.c.d
import type { EndpointAddress, Endpoints, Service } from '@corral/core/api';
import { RCODE, TYPE, type Answer, type Question, type ResourceRecord } from './wire.js';

export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
}

export const TTL_SECONDS = 5;

function soa(domain: string): ResourceRecord {
  return { name: domain, ttl: TTL_SECONDS, data: { type: TYPE.SOA, mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: Math.floor(Date.now() / 1000), minimum: TTL_SECONDS } };
}

function dashed(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

function readyAddresses(ep: Endpoints | undefined, svc: Service): EndpointAddress[] {
  const out: EndpointAddress[] = [];
  for (const subset of ep?.subsets ?? []) {
    out.push(...(subset.addresses ?? []));
    if (svc.spec.publishNotReadyAddresses) out.push(...(subset.notReadyAddresses ?? []));
  }
  // One record per address, even when several subsets list it.
  return [...new Map(out.map((a) => [a.ip, a])).values()];
}

function address(name: string, ip: string): ResourceRecord {
  return ip.includes(':')
    ? { name, ttl: TTL_SECONDS, data: { type: TYPE.AAAA, address: ip } }
    : { name, ttl: TTL_SECONDS, data: { type: TYPE.A, address: ip } };
}

/** The records for `q`, or 'forward' for a name outside the cluster domain. */
export function answer(q: Question, view: ClusterView, domain: string): Answer | 'forward' {
  const name = q.name;
  if (name !== domain && !name.endsWith(`.${domain}`)) return 'forward';
  const labels = name === domain ? [] : name.slice(0, -(domain.length + 1)).split('.');
  const nx: Answer = { rcode: RCODE.NXDOMAIN, answers: [], authority: [soa(domain)], aa: true };
  const empty: Answer = { rcode: RCODE.NOERROR, answers: [], authority: [soa(domain)], aa: true };
  const filter = (records: ResourceRecord[]): Answer => {
    const wanted = records.filter((r) => q.type === TYPE.ANY || r.data.type === q.type || r.data.type === TYPE.CNAME);
    return wanted.length ? { rcode: RCODE.NOERROR, answers: wanted, aa: true } : empty;
  };

  const kind = labels.at(-1);
  if (kind === 'pod' && labels.length === 3) {
    const ip = labels[0]!.replace(/-/g, '.');
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? filter([address(name, ip)]) : nx;
  }
  if (kind !== 'svc' || labels.length < 3) return labels.length <= 2 ? empty : nx;
  const ns = labels.at(-2)!;
  const svcName = labels.at(-3)!;
  const svc = view.service(ns, svcName);
  if (!svc) return nx;
  const base = `${svcName}.${ns}.svc.${domain}`;
  const headless = svc.spec.clusterIP === 'None';
  const ep = headless || labels.length === 5 ? view.endpoints(ns, svcName) : undefined;

  if (labels.length === 3) {
    if (svc.spec.type === 'ExternalName' && svc.spec.externalName) {
      return { rcode: RCODE.NOERROR, answers: [{ name, ttl: TTL_SECONDS, data: { type: TYPE.CNAME, target: svc.spec.externalName.replace(/\.$/, '') } }], aa: true };
    }
    if (!headless) return svc.spec.clusterIP ? filter([address(name, svc.spec.clusterIP)]) : empty;
    return filter(readyAddresses(ep, svc).map((a) => address(name, a.ip)));
  }
  if (labels.length === 4) {
    if (!headless) return nx;
    const host = labels[0]!;
    const found = readyAddresses(view.endpoints(ns, svcName), svc).filter((a) => (a.hostname ?? dashed(a.ip)) === host);
    return found.length ? filter(found.map((a) => address(name, a.ip))) : nx;
  }
  if (labels.length === 5 && labels[0]!.startsWith('_') && labels[1]!.startsWith('_')) {
    const portName = labels[0]!.slice(1);
    const proto = labels[1]!.slice(1).toUpperCase();
    const port = (svc.spec.ports ?? []).find((p) => p.name === portName && (p.protocol ?? 'TCP') === proto);
    if (!port) return nx;
    if (!headless) {
      return filter([{ name, ttl: TTL_SECONDS, data: { type: TYPE.SRV, priority: 0, weight: 100, port: port.port, target: base } }]);
    }
    const records: ResourceRecord[] = [];
    for (const subset of ep?.subsets ?? []) {
      const target = (subset.ports ?? []).find((p) => p.name === portName && (p.protocol ?? 'TCP') === proto);
      if (!target) continue;
      for (const a of subset.addresses ?? []) {
        records.push({ name, ttl: TTL_SECONDS, data: { type: TYPE.SRV, priority: 0, weight: 100, port: target.port, target: `${a.hostname ?? dashed(a.ip)}.${base}` } });
      }
    }
    return filter(records);
  }
  return nx;
}
