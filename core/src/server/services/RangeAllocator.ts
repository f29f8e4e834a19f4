// A range of values (service IPs, node ports) handed out through the store: one key per value,
// taken with create-if-absent, so two API servers on one etcd never hand out the same value.
// A record names the Service that holds it; the repair loop frees records whose Service is gone.
import { randomInt } from 'node:crypto';
import { isStoreError } from '../../store/errors.js';
import type { Store, StoredObject } from '../../store/types.js';

/** The Service a value belongs to. */
export interface AllocationOwner {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface AllocationRecord extends StoredObject {
  metadata: { name: string; resourceVersion?: string };
  owner: AllocationOwner;
  /** Milliseconds since the epoch: the repair loop leaves young records alone (their create may be in flight). */
  allocatedAt: number;
}

export interface RangeSpec {
  /** Key prefix, ending in "/": e.g. /registry/serviceipallocations/ */
  readonly prefix: string;
  /** The values that may be handed out, in order. */
  readonly first: number;
  readonly count: number;
  format(value: number): string;
  /** The inverse of `format`; undefined for a name that is not a value of the range. */
  parse(name: string): number | undefined;
  /** Skip values never handed out automatically (network address, ...). */
  usable?(value: number): boolean;
}

export type ReserveResult = 'reserved' | 'held-by-owner' | 'taken';

export class RangeExhausted extends Error {}

function sameOwner(a: AllocationOwner, b: AllocationOwner): boolean {
  return a.uid === b.uid && a.namespace === b.namespace && a.name === b.name;
}

export class RangeAllocator {
  /**
   * Values known to be held: loaded once, then kept by this allocator's own writes and refreshed
   * by every `records()` (the repair loop). A stale entry only makes `allocate` skip a free value;
   * the store's create-if-absent is what keeps two owners apart.
   */
  private used?: Set<number>;

  constructor(
    private readonly store: Store,
    readonly spec: RangeSpec,
    /** Whether a record's owner still holds it; a record it does not is free to take over. */
    private readonly ownerHolds: (record: AllocationRecord) => Promise<boolean>,
  ) {}

  keyOf(value: number): string {
    return `${this.spec.prefix}${this.spec.format(value)}`;
  }

  /** Takes `value` for `owner`: 'taken' when another live Service holds it. */
  async reserve(value: number, owner: AllocationOwner): Promise<ReserveResult> {
    const key = this.keyOf(value);
    const record: AllocationRecord = { metadata: { name: this.spec.format(value) }, owner, allocatedAt: Date.now() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.store.create(key, record);
        this.used?.add(value);
        return 'reserved';
      } catch (err) {
        if (!isStoreError(err, 'AlreadyExists')) throw err;
      }
      let held: AllocationRecord;
      try {
        held = (await this.store.get(key)) as AllocationRecord;
      } catch (err) {
        if (isStoreError(err, 'NotFound')) continue;
        throw err;
      }
      this.used?.add(value);
      if (sameOwner(held.owner, owner)) return 'held-by-owner';
      if (await this.ownerHolds(held)) return 'taken';
      // A leftover of a Service that is gone: take it over, unless someone else just did.
      try {
        await this.store.update(key, { ...record, metadata: { ...record.metadata, resourceVersion: held.metadata.resourceVersion } });
        return 'reserved';
      } catch (err) {
        if (!isStoreError(err, 'Conflict') && !isStoreError(err, 'NotFound')) throw err;
      }
    }
    return 'taken';
  }

  /** Any free value, from a random start so concurrent servers rarely collide. */
  async allocate(owner: AllocationOwner): Promise<number> {
    const { first, count } = this.spec;
    const used = this.used ?? (await this.refresh());
    const start = randomInt(count);
    for (let i = 0; i < count; i++) {
      const value = first + ((start + i) % count);
      if (used.has(value) || (this.spec.usable && !this.spec.usable(value))) continue;
      const result = await this.reserve(value, owner);
      if (result !== 'taken') return value;
    }
    throw new RangeExhausted(`no free value left in ${this.describe()}`);
  }

  /** Frees `value` if `owner` holds it. */
  async release(value: number, owner: AllocationOwner): Promise<void> {
    const key = this.keyOf(value);
    try {
      const held = (await this.store.get(key)) as AllocationRecord;
      if (!sameOwner(held.owner, owner)) return;
      await this.store.delete(key, { resourceVersion: held.metadata.resourceVersion });
      this.used?.delete(value);
    } catch (err) {
      if (!isStoreError(err, 'NotFound') && !isStoreError(err, 'Conflict')) throw err;
    }
  }

  /** Every record, for the repair loop. */
  async records(): Promise<AllocationRecord[]> {
    const out: AllocationRecord[] = [];
    let cont: string | undefined;
    do {
      const page = await this.store.list(this.spec.prefix, { limit: 1000, continue: cont });
      out.push(...(page.items as AllocationRecord[]));
      cont = page.continue;
    } while (cont);
    this.used = new Set(out.map((r) => this.spec.parse(r.metadata.name)).filter((v): v is number => v !== undefined));
    return out;
  }

  /** Deletes `record` unless it changed since it was read. */
  async drop(record: AllocationRecord): Promise<void> {
    try {
      await this.store.delete(`${this.spec.prefix}${record.metadata.name}`, { resourceVersion: record.metadata.resourceVersion });
      const value = this.spec.parse(record.metadata.name);
      if (value !== undefined) this.used?.delete(value);
    } catch (err) {
      if (!isStoreError(err, 'NotFound') && !isStoreError(err, 'Conflict')) throw err;
    }
  }

  describe(): string {
    return `${this.spec.format(this.spec.first)}-${this.spec.format(this.spec.first + this.spec.count - 1)}`;
  }

  private async refresh(): Promise<Set<number>> {
    await this.records();
    return this.used!;
  }
}
