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
  /**
   * From a RenderCache: chains outside these are the same arrays as in its previous result
   * (undefined: any chain may differ), so a plan against that result need compare only these.
   */
  readonly touched?: Record<Table, ReadonlySet<string>>;
}

/** What the proxy says changed since the last table (its ServiceTableChanges): `namespace/name` keys. */
export interface ChangedServices {
  readonly services: ReadonlySet<string>;
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

/** One Service's share of the rules: lines of the shared chains, and chains of its own. */
export interface ServiceRules {
  readonly dispatch: readonly string[];
  readonly nodePorts: readonly string[];
  readonly reject: readonly string[];
  readonly chains: readonly (readonly [string, string[]])[];
}

/**
 * Remembers each Service's rules between syncs, so a sync renders only the Services that
 * changed (hashing chain names is most of the work at 10,000 Services), and the last result:
 * the result is the last one with the changed Services' chains swapped, and the shared chains
 * rebuilt only if their lines changed. Which Services changed, the proxy says (`changes`);
 * without that, each Service is compared with the one last rendered, and a table whose
 * Services are not the same ones in the same order is assembled whole. Unchanged chains come
 * back as the same arrays, which restorePlan compares in O(1).
 */
export class RenderCache {
  private entries = new Map<string, { entry: ServiceEntry; rules: ServiceRules }>();
  private last?: { prefix: string; ids: string[]; rendered: Rendered };

  render(table: ServiceTable, prefix: string, changes?: ChangedServices): Rendered {
    if (this.last && this.last.prefix !== prefix) {
      this.entries.clear();
      this.last = undefined;
    }
    const last = this.last;
    // The changes are counted from the table last synced, which is the one last rendered here
    // unless a render was never written (then the caller writes everything anyway).
    const told = last !== undefined && changes !== undefined ? changes.services : undefined;
    const ids = table.services.map((e) => `${e.namespace}/${e.name}`);
    const changed: { before?: ServiceRules; after: ServiceRules }[] = [];
    const present = new Set<string>();
    const all = table.services.map((entry, i) => {
      const id = ids[i]!;
      if (told?.has(id)) present.add(id);
      const hit = this.entries.get(id);
      if (hit && (told ? !told.has(id) : sameData(hit.entry, entry))) return hit.rules;
      const rules = renderService(entry, prefix);
      this.entries.set(id, { entry, rules });
      changed.push({ before: hit?.rules, after: rules });
      return rules;
    });
    let rendered: Rendered;
    if (told && last) {
      for (const id of told) {
        const hit = this.entries.get(id);
        if (present.has(id) || !hit) continue;
        changed.push({ before: hit.rules, after: NO_RULES });
        this.entries.delete(id);
      }
      rendered = changed.length === 0 ? last.rendered : patch(last.rendered, changed, all, prefix);
    } else if (last && sameLines(last.ids, ids)) {
      rendered = changed.length === 0 ? last.rendered : patch(last.rendered, changed, all, prefix);
    } else {
      rendered = assemble(all, prefix);
      const wanted = new Set(ids);
      for (const id of this.entries.keys()) if (!wanted.has(id)) this.entries.delete(id);
    }
    this.last = { prefix, ids, rendered };
    return rendered;
  }
}

const NO_RULES: ServiceRules = { dispatch: [], nodePorts: [], reject: [], chains: [] };

/** Deep equality of plain data (what a ServiceEntry is), without building strings to compare. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameData(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

export function renderService(entry: ServiceEntry, prefix: string): ServiceRules {
  const names = chainNames(prefix);
  const dispatch: string[] = [];
  const nodePorts: string[] = [];
  const reject: string[] = [];
  const chains: [string, string[]][] = [];
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
    chains.push([svcChain, svc]);
    for (const ep of endpoints) {
      const sep: string[] = [];
      if (affinity !== undefined) sep.push(`${comment(id)} -m recent --name ${ep.chain} --set --rsource`);
      sep.push(`-p ${proto(port)} ${comment(id)} -m ${proto(port)} -j DNAT --to-destination ${ep.backend.ip}:${ep.backend.port}`);
      chains.push([ep.chain, sep]);
    }
  }
  return { dispatch, nodePorts, reject, chains };
}

/** `cache` (optional) carries each Service's rules over from the last call; `changes` (with a cache) says which Services to render again. */
export function renderRules(table: ServiceTable, options: RenderOptions, cache?: RenderCache, changes?: ChangedServices): Rendered {
  if (cache) return cache.render(table, options.prefix, changes);
  return assemble(
    table.services.map((entry) => renderService(entry, options.prefix)),
    options.prefix,
  );
}

/** The lines every Service adds to: the dispatch chains and the rejects. */
function sharedChains(all: readonly ServiceRules[], prefix: string): { dispatch: string[]; nodePorts: string[]; reject: string[] } {
  const names = chainNames(prefix);
  const dispatch: string[] = [];
  const nodePorts: string[] = [];
  const reject: string[] = [];
  for (const rules of all) {
    for (const r of rules.dispatch) dispatch.push(r);
    for (const r of rules.nodePorts) nodePorts.push(r);
    for (const r of rules.reject) reject.push(r);
  }
  // NodePorts answer on the node's own addresses only.
  dispatch.push(`-m addrtype --dst-type LOCAL ${comment('node ports')} -j ${names.nodePorts}`);
  return { dispatch, nodePorts, reject };
}

function assemble(all: readonly ServiceRules[], prefix: string): Rendered {
  const names = chainNames(prefix);
  const { dispatch, nodePorts, reject } = sharedChains(all, prefix);
  const nat: Chains = new Map([
    [names.services, dispatch],
    [names.nodePorts, nodePorts],
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
    [names.reject, reject],
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
  for (const rules of all) for (const [name, chain] of rules.chains) nat.set(name, chain);
  return { nat, filter };
}

/** `last` with the changed Services' rules in place of their old ones (new maps; `last` stays as it was). */
function patch(last: Rendered, changed: readonly { before?: ServiceRules; after: ServiceRules }[], all: readonly ServiceRules[], prefix: string): Rendered {
  const names = chainNames(prefix);
  const nat: Chains = new Map(last.nat);
  const filter: Chains = new Map(last.filter);
  const touched = { nat: new Set<string>(), filter: new Set<string>() };
  for (const c of changed) {
    for (const [name] of c.before?.chains ?? []) {
      nat.delete(name);
      touched.nat.add(name);
    }
  }
  for (const c of changed) {
    for (const [name, chain] of c.after.chains) {
      nat.set(name, chain);
      touched.nat.add(name);
    }
  }
  const same = (pick: (r: ServiceRules) => readonly string[]) => changed.every((c) => c.before !== undefined && sameLines(pick(c.before), pick(c.after)));
  if (!same((r) => r.dispatch) || !same((r) => r.nodePorts) || !same((r) => r.reject)) {
    const shared = sharedChains(all, prefix);
    nat.set(names.services, shared.dispatch);
    nat.set(names.nodePorts, shared.nodePorts);
    filter.set(names.reject, shared.reject);
    touched.nat.add(names.services).add(names.nodePorts);
    touched.filter.add(names.reject);
  }
  return { nat, filter, touched };
}
