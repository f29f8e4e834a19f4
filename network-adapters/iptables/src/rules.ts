// The rules for a ServiceTable, as chains of Corral's own (pure: the same table gives the same
// text). nat: a dispatch chain matches each ClusterIP/external IP and port (and NodePorts on
// local addresses) and jumps to the service port's chain, which picks an endpoint at random
// (each with probability 1/remaining) or by ClientIP affinity (the recent module), and the
// endpoint's chain DNATs. filter: ports with no ready endpoint are rejected at once.
// Connections that came in through a NodePort are marked and masqueraded on the way out: the
// endpoint may be on another node, whose reply must come back through this one to be un-DNATed
// (sent straight to the client, it would carry an address the client never called).
import { createHash } from 'node:crypto';
import type { ServiceEntry, ServicePortEntry, ServiceTable } from '@corral/core/kernel';

export type Table = 'nat' | 'filter';

/** Chain name -> its rules (each an `-A` line without the `-A CHAIN` head). */
export type Chains = Map<string, string[]>;

export interface RenderOptions {
  /** Every chain's name starts with it; at most 7 characters so hashed names fit in 28. */
  readonly prefix: string;
}

export interface Rendered {
  readonly nat: Chains;
  readonly filter: Chains;
}

export function chainNames(prefix: string) {
  return {
    services: `${prefix}SERVICES`,
    nodePorts: `${prefix}NODEPORTS`,
    reject: `${prefix}REJECT`,
    forward: `${prefix}FORWARD`,
    markMasq: `${prefix}MARK-MASQ`,
    postrouting: `${prefix}POSTROUTING`,
  };
}

/** The packet mark bit that asks for masquerading (kube-proxy's). */
export const MASQ_MARK = '0x4000';

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').replace(/[-_]/g, 'x').slice(0, 16).toUpperCase();
}

function portId(e: ServiceEntry, p: ServicePortEntry): string {
  return `${e.namespace}/${e.name}:${p.name ?? p.port}/${p.protocol}`;
}

function proto(p: ServicePortEntry): string {
  return p.protocol.toLowerCase();
}

function comment(text: string): string {
  return `-m comment --comment "${text.replace(/"/g, '')}"`;
}

/** Probability with enough digits that the last endpoints keep their share. */
function probability(n: number): string {
  return (1 / n).toFixed(10);
}

export function renderRules(table: ServiceTable, options: RenderOptions): Rendered {
  const { prefix } = options;
  const names = chainNames(prefix);
  const nat: Chains = new Map([
    [names.services, []],
    [names.nodePorts, []],
    [names.markMasq, [`-j MARK --or-mark ${MASQ_MARK}`]],
    [
      names.postrouting,
      [
        `-m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
        // Cleared first: a packet re-entering the stack (VXLAN, bridges) must not be masqueraded twice.
        `-j MARK --xor-mark ${MASQ_MARK}`,
        `${comment('corral service traffic requiring SNAT')} -j MASQUERADE`,
      ],
    ],
  ]);
  const filter: Chains = new Map([
    [names.reject, []],
    // A node whose firewall drops forwarded packets by default (Docker's) still forwards what
    // a NodePort sends to an endpoint on another node, and the replies of what it let through.
    [
      names.forward,
      [
        `-m mark --mark ${MASQ_MARK}/${MASQ_MARK} ${comment('corral service traffic to other nodes')} -j ACCEPT`,
        `-m conntrack --ctstate RELATED,ESTABLISHED ${comment('corral service traffic replies')} -j ACCEPT`,
      ],
    ],
  ]);
  const dispatch = nat.get(names.services)!;
  const nodePorts = nat.get(names.nodePorts)!;
  const reject = filter.get(names.reject)!;

  for (const entry of table.services) {
    for (const port of entry.ports) {
      if (port.protocol === 'SCTP') continue;
      const id = portId(entry, port);
      const addresses = [entry.clusterIP, ...(entry.externalIPs ?? [])].filter((a): a is string => Boolean(a) && !a!.includes(':'));
      const ready = port.backends.filter((b) => b.ready);
      if (ready.length === 0) {
        for (const a of addresses) reject.push(`-d ${a}/32 -p ${proto(port)} -m ${proto(port)} --dport ${port.port} ${comment(`${id} has no endpoints`)} -j REJECT`);
        if (port.nodePort) {
          reject.push(`-m addrtype --dst-type LOCAL -p ${proto(port)} -m ${proto(port)} --dport ${port.nodePort} ${comment(`${id} has no endpoints`)} -j REJECT`);
        }
        continue;
      }
      const svcChain = `${prefix}SVC-${hash(id)}`;
      for (const a of addresses) dispatch.push(`-d ${a}/32 -p ${proto(port)} -m ${proto(port)} --dport ${port.port} ${comment(id)} -j ${svcChain}`);
      if (port.nodePort) {
        const match = `-p ${proto(port)} -m ${proto(port)} --dport ${port.nodePort} ${comment(id)}`;
        nodePorts.push(`${match} -j ${names.markMasq}`, `${match} -j ${svcChain}`);
      }

      const affinity = entry.sessionAffinity === 'ClientIP' ? (entry.sessionAffinityTimeoutSeconds ?? 10_800) : undefined;
      const svc: string[] = [];
      const endpoints = ready.map((b) => ({ backend: b, chain: `${prefix}SEP-${hash(`${id}@${b.ip}:${b.port}`)}` }));
      if (affinity !== undefined) {
        for (const ep of endpoints) svc.push(`${comment(id)} -m recent --name ${ep.chain} --rcheck --seconds ${affinity} --reap --rsource -j ${ep.chain}`);
      }
      endpoints.forEach((ep, i) => {
        const left = endpoints.length - i;
        svc.push(left > 1 ? `${comment(id)} -m statistic --mode random --probability ${probability(left)} -j ${ep.chain}` : `${comment(id)} -j ${ep.chain}`);
      });
      nat.set(svcChain, svc);
      for (const ep of endpoints) {
        const sep: string[] = [];
        if (affinity !== undefined) sep.push(`${comment(id)} -m recent --name ${ep.chain} --set --rsource`);
        sep.push(`-p ${proto(port)} ${comment(id)} -m ${proto(port)} -j DNAT --to-destination ${ep.backend.ip}:${ep.backend.port}`);
        nat.set(ep.chain, sep);
      }
    }
  }
  // NodePorts answer on the node's own addresses only.
  dispatch.push(`-m addrtype --dst-type LOCAL ${comment('node ports')} -j ${names.nodePorts}`);
  return { nat, filter };
}
