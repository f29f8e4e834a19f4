// iptables-restore input for a change: only the chains whose rules differ from what was last
// written, the chains that went away (flushed, then deleted), and nothing of anyone else's
// (--noflush). A change of up to `maxChainsPerPart` chains is one input: both tables change
// atomically. A larger one (a first sync of thousands of Services) is cut into parts, one
// iptables-restore each, because iptables-nft-restore's time grows with the square of the
// chains in one input (10,000 Services: two minutes in one input, seconds in parts). The parts
// go leaves first, so that after each of them every jump resolves: endpoint chains, then the
// service chains that jump to them, then the dispatch chains; chains that went away are flushed
// and deleted only after nothing written refers to them. In between, some Services have their
// new rules and others still their old ones, each chain whole.
import type { Chains, Table } from './rules.js';

export interface RestorePlan {
  /** Every part, in order (one iptables-restore input each). */
  readonly parts: readonly string[];
  /** All parts together: what the change writes. */
  readonly text: string;
  /** Chains (re)written, per table: what a sync cost. */
  readonly written: number;
  readonly deleted: number;
}

/** Chains per iptables-restore input: large enough that a partial sync is one input. */
export const MAX_CHAINS_PER_PART = 1000;

interface Op {
  readonly table: Table;
  readonly chain: string;
  /** The rules to write; undefined: flush (and, with `remove`, delete). */
  readonly rules?: readonly string[];
  readonly remove?: boolean;
}

/**
 * `previous` is what the kernel holds (undefined: unknown, write everything). `candidates`,
 * when given with `previous`, are the only chains that may differ from it (a RenderCache's
 * `touched`): the others are not compared, which at 10,000 Services is most of a plan's work.
 */
export function restorePlan(
  desired: Record<Table, Chains>,
  previous: Record<Table, Chains> | undefined,
  alwaysWrite: ReadonlySet<string> = new Set(),
  maxChainsPerPart = MAX_CHAINS_PER_PART,
  candidates?: Record<Table, ReadonlySet<string>>,
): RestorePlan {
  const writes: Op[] = [];
  const gone: Op[] = [];
  for (const table of ['nat', 'filter'] as const) {
    const want = desired[table];
    const had = previous?.[table];
    if (had && candidates && alwaysWrite.size === 0) {
      for (const chain of candidates[table]) {
        const rules = want.get(chain);
        if (rules === undefined) {
          if (had.has(chain)) gone.push({ table, chain });
        } else if (!sameRules(had.get(chain), rules)) writes.push({ table, chain, rules });
      }
      continue;
    }
    for (const [chain, rules] of want) {
      if (!had || alwaysWrite.has(chain) || !sameRules(had.get(chain), rules)) writes.push({ table, chain, rules });
    }
    if (had) for (const chain of had.keys()) if (!want.has(chain)) gone.push({ table, chain });
  }
  let parts: Op[][];
  if (writes.length + gone.length <= maxChainsPerPart) {
    parts = writes.length + gone.length ? [[...writes, ...gone.map((g) => ({ ...g, remove: true }))]] : [];
  } else {
    const depth = depths(desired);
    const ordered = writes.map((w, i) => ({ w, d: depth(w.table, w.chain), i })).sort((a, b) => a.d - b.d || a.i - b.i);
    parts = [
      ...chunks(ordered.map((o) => o.w), maxChainsPerPart),
      // Flushed in one round and deleted in the next: a chain that went away may still be the
      // target of another that went away, until that one is flushed too.
      ...chunks(gone, maxChainsPerPart),
      ...chunks(gone.map((g) => ({ ...g, remove: true })), maxChainsPerPart),
    ];
  }
  const texts = parts.map(restoreInput);
  return { parts: texts, text: texts.join(''), written: writes.length, deleted: gone.length };
}

function restoreInput(ops: readonly Op[]): string {
  const lines: string[] = [];
  for (const table of ['nat', 'filter'] as const) {
    const mine = ops.filter((o) => o.table === table);
    if (mine.length === 0) continue;
    lines.push(`*${table}`);
    for (const o of mine) lines.push(`:${o.chain} - [0:0]`);
    for (const o of mine) if (o.rules) for (const rule of o.rules) lines.push(`-A ${o.chain} ${rule}`);
    for (const o of mine) if (o.remove) lines.push(`-X ${o.chain}`);
    lines.push('COMMIT');
  }
  return lines.join('\n') + '\n';
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

const JUMP = / -[jg] (\S+)/;

/** A chain's depth: 0 if it jumps to none of `desired`'s chains, else one more than its deepest target's. */
function depths(desired: Record<Table, Chains>): (table: Table, chain: string) => number {
  const memo = new Map<string, number>();
  const depth = (table: Table, chain: string, path: ReadonlySet<string>): number => {
    const key = `${table} ${chain}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let d = 0;
    for (const rule of desired[table].get(chain) ?? []) {
      const target = JUMP.exec(rule)?.[1];
      // The kernel refuses loops; the guard only keeps a bad table from recursing forever.
      if (target && desired[table].has(target) && !path.has(target)) d = Math.max(d, 1 + depth(table, target, new Set([...path, target])));
    }
    memo.set(key, d);
    return d;
  };
  return (table, chain) => depth(table, chain, new Set([chain]));
}

function sameRules(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a === b || (a !== undefined && a.length === b.length && a.every((r, i) => r === b[i]));
}
