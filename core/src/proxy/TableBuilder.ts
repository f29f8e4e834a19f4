// The proxy's table kept between syncs: an event marks its Service's key, and a sync builds the
// entries of the marked keys only. The entries of the others stay the same objects, which is
// what lets tableChanges skip them (and saves building 10,000 entries for one change).
import type { Endpoints, Service } from '../api/types.js';
import type { ServiceEntry, ServiceTable } from '../kernel/contracts/proxy.js';
import { samePlainData } from './changes.js';
import { forwarded, serviceEntry } from './table.js';

export class TableBuilder {
  private readonly entries = new Map<string, ServiceEntry>();
  private readonly marked = new Set<string>();
  private all = true;
  private order?: string[];

  constructor(
    private readonly keys: () => Iterable<string>,
    private readonly serviceOf: (key: string) => Service | undefined,
    private readonly endpointsOf: (key: string) => Endpoints | undefined,
  ) {}

  /** The Service or Endpoints with this `namespace/name` changed, appeared or went away. */
  mark(key: string): void {
    this.marked.add(key);
  }

  /** The next build looks at every Service again (a periodic resync). */
  markAll(): void {
    this.all = true;
  }

  /** The whole table, in a stable order, built again only where marked. */
  build(): ServiceTable {
    const keys = this.all ? new Set([...this.entries.keys(), ...this.keys()]) : this.marked;
    this.all = false;
    for (const key of keys) {
      const svc = this.serviceOf(key);
      const had = this.entries.get(key);
      if (!svc || !forwarded(svc)) {
        if (had) this.order = undefined;
        this.entries.delete(key);
        continue;
      }
      const entry = serviceEntry(svc, this.endpointsOf(key));
      // An event that changes nothing forwarded (a label, a resourceVersion) keeps the old object.
      if (had && samePlainData(had, entry)) continue;
      if (!had) this.order = undefined;
      this.entries.set(key, entry);
    }
    this.marked.clear();
    this.order ??= [...this.entries.values()].sort(byName).map((e) => `${e.namespace}/${e.name}`);
    return { services: this.order.map((k) => this.entries.get(k)!) };
  }
}

function byName(a: ServiceEntry, b: ServiceEntry): number {
  return a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1;
}
