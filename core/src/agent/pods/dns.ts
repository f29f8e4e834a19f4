import type { Pod, PodDNSConfig } from '../../api/types.js';

// A pod's resolv.conf, as kubelet builds it from spec.dnsPolicy and spec.dnsConfig:
// - ClusterFirst (the default): the cluster DNS, `<ns>.svc.<domain> svc.<domain> <domain>` then
//   the node's search domains, `ndots:5`. A hostNetwork pod gets the node's instead, and so does
//   every pod while no cluster DNS is known (kubelet's fallback, with a warning event).
// - ClusterFirstWithHostNet: the cluster DNS, hostNetwork or not.
// - Default: the node's resolv.conf.
// - None: only what spec.dnsConfig says.
// spec.dnsConfig is then merged in: its nameservers and searches appended (no repeats), its
// options replacing those of the same name.

export interface DnsSettings {
  readonly servers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly string[];
}

export interface ClusterDns {
  /** The cluster DNS servers; empty while none is known. */
  readonly servers: readonly string[];
  /** The cluster domain, e.g. cluster.local. */
  readonly domain: string;
}

/** resolv.conf's own limits, which kubelet applies too. */
const MAX_SERVERS = 3;
const MAX_SEARCHES = 32;
const CLUSTER_OPTIONS = ['ndots:5'];

export interface PodDns {
  /** undefined: the runtime's default (the node's own resolv.conf). */
  readonly settings?: DnsSettings;
  /** Set when ClusterFirst had to fall back to the node's resolv.conf. */
  readonly warning?: string;
}

/** The servers, search domains and options of a resolv.conf text. */
export function parseResolvConf(text: string): DnsSettings {
  const servers: string[] = [];
  let searches: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*/, '').trim();
    const [key, ...values] = line.split(/\s+/);
    if (key === 'nameserver' && values[0]) servers.push(values[0]);
    // The last `search` or `domain` line wins, as in the resolver.
    else if (key === 'search' || key === 'domain') searches = values.filter((v) => v !== '');
    else if (key === 'options') options.push(...values.filter((v) => v !== ''));
  }
  return { servers, searches, options };
}

export function podDns(pod: Pod, cluster: ClusterDns, node: DnsSettings | undefined): PodDns {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const hostNetwork = pod.spec.hostNetwork === true;
  const dnsConfig = pod.spec.dnsConfig;
  let base: DnsSettings | undefined;
  let warning: string | undefined;
  const clusterFirst = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !hostNetwork);
  if (policy === 'None') {
    base = { servers: [], searches: [], options: [] };
  } else if (clusterFirst && cluster.servers.length > 0) {
    const namespace = pod.metadata.namespace ?? 'default';
    const domain = cluster.domain;
    base = {
      servers: cluster.servers,
      searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...(node?.searches ?? [])],
      options: CLUSTER_OPTIONS,
    };
  } else {
    if (clusterFirst) {
      warning = `the agent knows no cluster DNS (no --cluster-dns, and no Service kube-system/kube-dns): pod ${namespace(pod)}/${pod.metadata.name} uses the node's DNS ("Default" policy) instead of "${policy}"`;
    }
    base = node;
  }
  if (!dnsConfig) return { ...(base ? { settings: limit(base) } : {}), ...(warning ? { warning } : {}) };
  const merged = merge(base ?? { servers: [], searches: [], options: [] }, dnsConfig);
  return { settings: limit(merged), ...(warning ? { warning } : {}) };
}

function namespace(pod: Pod): string {
  return pod.metadata.namespace ?? 'default';
}

function merge(base: DnsSettings, extra: PodDNSConfig): DnsSettings {
  const options = new Map<string, string>();
  for (const o of base.options) options.set(o.split(':')[0]!, o);
  for (const o of extra.options ?? []) options.set(o.name, o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name);
  return {
    servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
    searches: unique([...base.searches, ...(extra.searches ?? [])]),
    options: [...options.values()],
  };
}

function limit(dns: DnsSettings): DnsSettings {
  return { servers: unique(dns.servers).slice(0, MAX_SERVERS), searches: unique(dns.searches).slice(0, MAX_SEARCHES), options: dns.options };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
