import { OP_PUT, type Entry } from './records.js';

// The in-memory multi-version state: every key's history back to the compaction point, a
// revision-ordered log of all changes (what watches read), and the keys in order (what lists
// read). Only durable changes are applied here.

export interface Version {
  readonly rev: number;
  readonly key: string;
  /** Revision that created the key's current incarnation; 0 for a tombstone. */
  readonly createRev: number;
  /** The stored JSON, or null for a deletion (tombstone). */
  readonly data: string | null;
  /** The version before this one, until compaction cuts the chain. */
  prev: Version | undefined;
}

/** A consistent capture of the state, for a snapshot. Versions are immutable but for `prev`. */
export interface MvccCapture {
  revision: number;
  compactRevision: number;
  /** Versions older than the log that are still needed (at most one per key), in revision order. */
  floor: Version[];
  /** Every change from the compaction point on, in revision order. */
  log: Version[];
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Revision 1 is the empty initial state, as in etcd: so 0 can mean "now" in list and watch, and
 * a client that listed an empty store at revision 1 can still watch from its very start.
 */
const INITIAL_REVISION = 1;

export class Mvcc {
  revision = INITIAL_REVISION;
  compactRevision = 0;
  /** Revision of log[0]; the log holds every change from `base` to `revision`. */
  private base = INITIAL_REVISION + 1;
  private log: Version[] = [];
  private readonly index = new Map<string, Version>();
  private sorted: string[] = [];
  private unsorted: string[] = [];

  /** The oldest revision whose change is still in the log. */
  get firstLogRevision(): number {
    return this.base;
  }

  get logLength(): number {
    return this.log.length;
  }

  get keyCount(): number {
    return this.index.size;
  }

  /** The newest version of `key`, tombstones included. */
  latest(key: string): Version | undefined {
    return this.index.get(key);
  }

  /** The change made at `rev`, if the log still holds it. */
  changeAt(rev: number): Version | undefined {
    return this.log[rev - this.base];
  }

  apply(op: number, rev: number, key: string, data: string | null): Version {
    if (rev !== this.revision + 1) {
      throw new Error(`internal: change at revision ${rev} applied on top of revision ${this.revision}`);
    }
    const prev = this.index.get(key);
    const createRev = op !== OP_PUT ? 0 : prev && prev.data !== null ? prev.createRev : rev;
    const v: Version = { rev, key, createRev, data: op === OP_PUT ? data : null, prev };
    if (!prev) this.unsorted.push(key);
    this.index.set(key, v);
    this.log.push(v);
    this.revision = rev;
    return v;
  }

  /** The live version of `key` at `rev`, if it existed then. */
  at(key: string, rev: number): Version | undefined {
    let v = this.index.get(key);
    while (v && v.rev > rev) v = v.prev;
    return v && v.data !== null ? v : undefined;
  }

  /**
   * Live versions at `rev` of keys that start with `prefix`, from key `start` on, in key order;
   * at most `limit` (0 = all), and how many more there are.
   */
  range(prefix: string, start: string, rev: number, limit: number): { versions: Version[]; remaining: number } {
    this.sortKeys();
    const versions: Version[] = [];
    let remaining = 0;
    const keys = this.sorted;
    for (let i = lowerBound(keys, start < prefix ? prefix : start); i < keys.length; i++) {
      const k = keys[i]!;
      if (!k.startsWith(prefix)) break;
      const v = this.at(k, rev);
      if (!v) continue;
      if (limit === 0 || versions.length < limit) versions.push(v);
      else remaining++;
    }
    return { versions, remaining };
  }

  /**
   * Forgets history before `rev`: each key keeps its latest version older than `rev` (so the
   * state at `rev` and the previous value of the change at `rev` stay readable) and the log
   * keeps changes from `rev` on.
   */
  compact(rev: number): void {
    if (rev <= this.compactRevision) return;
    if (rev > this.revision) throw new Error(`internal: compaction to ${rev} beyond revision ${this.revision}`);
    const drop = Math.max(0, rev - this.base);
    const touched = new Set<string>();
    for (let i = 0; i < drop; i++) touched.add(this.log[i]!.key);
    let removed = false;
    for (const key of touched) {
      const head = this.index.get(key);
      let v = head;
      while (v && v.rev >= rev) v = v.prev;
      if (!v) continue;
      v.prev = undefined;
      if (v === head && v.data === null) {
        this.index.delete(key);
        removed = true;
      }
    }
    if (removed) {
      // Now, not lazily: a removed key that is created again must not be listed twice.
      this.sorted = this.sorted.filter((k) => this.index.has(k));
      this.unsorted = this.unsorted.filter((k) => this.index.has(k));
    }
    this.log = this.log.slice(drop);
    this.base += drop;
    this.compactRevision = rev;
  }

  capture(): MvccCapture {
    const floor: Version[] = [];
    for (const head of this.index.values()) {
      let v: Version | undefined = head;
      while (v && v.rev >= this.base) v = v.prev;
      if (v) floor.push(v);
    }
    floor.sort((a, b) => a.rev - b.rev);
    return { revision: this.revision, compactRevision: this.compactRevision, floor, log: this.log.slice() };
  }

  /**
   * Rebuilds the state from a snapshot's entries (floor versions, then the log, in revision
   * order). Returns a description of what is inconsistent, or undefined if all is well.
   */
  static restore(revision: number, compactRevision: number, entries: readonly Entry[]): Mvcc | string {
    const m = new Mvcc();
    m.revision = revision;
    m.compactRevision = compactRevision;
    m.base = Math.max(INITIAL_REVISION + 1, compactRevision);
    let lastRev = 0;
    for (const e of entries) {
      if (e.rev <= lastRev) return `entries out of revision order (${e.rev} after ${lastRev})`;
      lastRev = e.rev;
      const prev = m.index.get(e.key);
      const v: Version = { rev: e.rev, key: e.key, createRev: e.createRev, data: e.data, prev };
      if (!prev) m.unsorted.push(e.key);
      m.index.set(e.key, v);
      if (e.rev >= m.base) {
        if (e.rev !== m.base + m.log.length) return `history has a gap: revision ${e.rev} follows ${m.base + m.log.length - 1}`;
        m.log.push(v);
      }
    }
    if (m.base + m.log.length - 1 !== revision) {
      return `history ends at revision ${m.base + m.log.length - 1}, the snapshot says ${revision}`;
    }
    return m;
  }

  private sortKeys(): void {
    if (this.unsorted.length === 0) return;
    const add = this.unsorted.sort();
    this.unsorted = [];
    if (this.sorted.length === 0) {
      this.sorted = add;
      return;
    }
    const a = this.sorted;
    const out = new Array<string>(a.length + add.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < a.length && j < add.length) out[o++] = a[i]! < add[j]! ? a[i++]! : add[j++]!;
    while (i < a.length) out[o++] = a[i++]!;
    while (j < add.length) out[o++] = add[j++]!;
    this.sorted = out;
  }
}
