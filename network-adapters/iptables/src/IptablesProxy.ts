// The iptables data path. Each sync renders the table's rules (only the Services that changed
// are rendered again: the proxy loop says which) and writes only the chains that changed, in
// one iptables-restore (a large change in several, see restore.ts); the built-in chains get one
// jump each into Corral's chains, added once and removed on close. Every so often the whole set is written again, to repair
// changes made behind its back.
import type { ProxyDataPath, ServiceTable, ServiceTableChanges } from '@corral/core/kernel';
import { chainsWithPrefix, hasRule, run } from './iptables.js';
import { MAX_CHAINS_PER_PART, restorePlan, type RestorePlan } from './restore.js';
import { chainNames, RenderCache, renderRules, type Chains, type Table } from './rules.js';

export interface IptablesOptions {
  /** Chain name prefix, at most 7 characters; default "CORRAL-". */
  readonly prefix: string;
  /** A full rewrite at least this often; default 15 minutes. */
  readonly fullSyncIntervalMs: number;
  /** Chains per iptables-restore input in a large change; default MAX_CHAINS_PER_PART. */
  readonly maxChainsPerPart?: number;
}

/** Where the built-in chains jump into Corral's, and what a packet must be to take the jump. */
function jumps(prefix: string): { table: Table; chain: string; target: string; match: string[]; last?: boolean }[] {
  const names = chainNames(prefix);
  // nat sees only a connection's first packet anyway. filter sees every packet on the machine,
  // and its chain only rejects new connections to ports without endpoints: established flows
  // (proxied or not) skip it after one conntrack lookup, however many rules it holds.
  const newOnly = ['-m', 'conntrack', '--ctstate', 'NEW'];
  return [
    { table: 'nat', chain: 'PREROUTING', target: names.services, match: [] },
    { table: 'nat', chain: 'OUTPUT', target: names.services, match: [] },
    { table: 'nat', chain: 'POSTROUTING', target: names.postrouting, match: [] },
    { table: 'filter', chain: 'INPUT', target: names.reject, match: newOnly },
    { table: 'filter', chain: 'FORWARD', target: names.reject, match: newOnly },
    { table: 'filter', chain: 'OUTPUT', target: names.reject, match: newOnly },
    // Last, as kube-proxy's KUBE-FORWARD: the rejects above and the host's own rules come first.
    { table: 'filter', chain: 'FORWARD', target: names.forward, match: [], last: true },
  ];
}

function jumpRule(target: string, match: readonly string[] = []): string[] {
  return [...match, '-m', 'comment', '--comment', 'corral service portals', '-j', target];
}

export class IptablesProxy implements ProxyDataPath {
  readonly name = 'iptables';
  private written?: Record<Table, Chains>;
  private lastFull = 0;
  private readonly cache = new RenderCache();
  /** What the last sync wrote (for benchmarks and tests). */
  lastPlan?: RestorePlan;

  constructor(readonly options: IptablesOptions) {
    if (options.prefix.length > 7 || !/^[A-Z0-9-]+$/.test(options.prefix)) {
      throw new Error(`iptables chain prefix "${options.prefix}" must be at most 7 characters of A-Z, 0-9 and "-"`);
    }
  }

  /**
   * `changes` (from the proxy loop) names the Services to render again; without them, or after
   * a failed sync (whose render the kernel may not hold), every Service is compared instead.
   */
  async sync(table: ServiceTable, changes?: ServiceTableChanges): Promise<void> {
    const rendered = renderRules(table, { prefix: this.options.prefix }, this.cache, this.written ? changes : undefined);
    const full = this.written === undefined || Date.now() - this.lastFull > this.options.fullSyncIntervalMs;
    // A full write also deletes leftovers of an earlier process (same prefix).
    const previous = full ? await this.leftovers() : this.written;
    const always = full ? new Set([...rendered.nat.keys(), ...rendered.filter.keys()]) : undefined;
    const plan = restorePlan(rendered, previous, always, this.options.maxChainsPerPart ?? MAX_CHAINS_PER_PART, full ? undefined : rendered.touched);
    try {
      for (const part of plan.parts) await run('iptables-restore', ['-w', '--noflush'], part);
      if (full) await this.ensureJumps();
    } catch (err) {
      this.written = undefined;
      throw err;
    }
    this.written = { nat: rendered.nat, filter: rendered.filter };
    if (full) this.lastFull = Date.now();
    this.lastPlan = plan;
  }

  /** Removes the jumps and every chain with the prefix. */
  async close(): Promise<void> {
    for (const j of jumps(this.options.prefix)) {
      // Also the unconditional jump earlier versions added to filter.
      for (const rule of j.match.length ? [jumpRule(j.target, j.match), jumpRule(j.target)] : [jumpRule(j.target)]) {
        while (await hasRule(j.table, j.chain, rule)) await run('iptables', ['-w', '-t', j.table, '-D', j.chain, ...rule]);
      }
    }
    // Every chain is flushed before any is deleted, so no deletion meets a jump into its chain.
    // Both go in parts: one restore's time grows with the square of the chains it names.
    const flushes: string[] = [];
    const deletions: string[] = [];
    const size = this.options.maxChainsPerPart ?? MAX_CHAINS_PER_PART;
    for (const table of ['nat', 'filter'] as const) {
      const chains = await chainsWithPrefix(table, this.options.prefix);
      for (let i = 0; i < chains.length; i += size) {
        const part = chains.slice(i, i + size);
        flushes.push([`*${table}`, ...part.map((c) => `:${c} - [0:0]`), 'COMMIT'].join('\n') + '\n');
        deletions.push([`*${table}`, ...part.map((c) => `-X ${c}`), 'COMMIT'].join('\n') + '\n');
      }
    }
    for (const input of [...flushes, ...deletions]) await run('iptables-restore', ['-w', '--noflush'], input);
    this.written = undefined;
  }

  private async ensureJumps(): Promise<void> {
    for (const j of jumps(this.options.prefix)) {
      if (!(await hasRule(j.table, j.chain, jumpRule(j.target, j.match)))) {
        await run('iptables', ['-w', '-t', j.table, ...(j.last ? ['-A', j.chain] : ['-I', j.chain, '1']), ...jumpRule(j.target, j.match)]);
      }
      // An earlier version's unconditional jump, replaced by the one above.
      if (j.match.length && (await hasRule(j.table, j.chain, jumpRule(j.target)))) await run('iptables', ['-w', '-t', j.table, '-D', j.chain, ...jumpRule(j.target)]);
    }
  }

  /** The chains with the prefix that exist now, as empty sets: a plan against them rewrites all and deletes the rest. */
  private async leftovers(): Promise<Record<Table, Chains>> {
    const out: Record<Table, Chains> = { nat: new Map(), filter: new Map() };
    for (const table of ['nat', 'filter'] as const) for (const c of await chainsWithPrefix(table, this.options.prefix)) out[table].set(c, []);
    return out;
  }
}
