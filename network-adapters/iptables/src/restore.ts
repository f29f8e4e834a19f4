// iptables-restore input for a change: only the chains whose rules differ from what was last
// written, the chains that went away (flushed, then deleted), and nothing of anyone else's
// (--noflush). One call per sync: every table changes atomically.
import type { Chains, Table } from './rules.js';

export interface RestorePlan {
  readonly text: string;
  /** Chains (re)written, per table: what a sync cost. */
  readonly written: number;
  readonly deleted: number;
}

/** `previous` is what the kernel holds (undefined: unknown, write everything). */
export function restorePlan(desired: Record<Table, Chains>, previous: Record<Table, Chains> | undefined, alwaysWrite: ReadonlySet<string> = new Set()): RestorePlan {
  const lines: string[] = [];
  let written = 0;
  let deleted = 0;
  for (const table of ['nat', 'filter'] as const) {
    const want = desired[table];
    const had = previous?.[table];
    const changed = [...want.keys()].filter((c) => !had || alwaysWrite.has(c) || !sameRules(had.get(c), want.get(c)!));
    const gone = had ? [...had.keys()].filter((c) => !want.has(c)) : [];
    if (changed.length === 0 && gone.length === 0) continue;
    lines.push(`*${table}`);
    for (const c of [...changed, ...gone]) lines.push(`:${c} - [0:0]`);
    for (const c of changed) for (const rule of want.get(c)!) lines.push(`-A ${c} ${rule}`);
    for (const c of gone) lines.push(`-X ${c}`);
    lines.push('COMMIT');
    written += changed.length;
    deleted += gone.length;
  }
  return { text: lines.length ? lines.join('\n') + '\n' : '', written, deleted };
}

function sameRules(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((r, i) => r === b[i]);
}
