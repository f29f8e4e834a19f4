// Gives values back: a record whose Service is gone, or no longer holds it (type changed, port
// removed, a write that failed half-way), is deleted once it is older than the grace period.
// Runs at start, shortly after Service changes, and every few minutes.
import type { Service } from '../../api/types.js';
import type { Store } from '../../store/types.js';
import type { ServerLogger } from '../types.js';
import type { AllocationRecord, RangeAllocator } from './RangeAllocator.js';
import { heldValues, type ServiceAllocations } from './ServiceAllocations.js';

const PERIOD_MS = 3 * 60_000;
const AFTER_CHANGE_MS = 2_000;

export class AllocationRepair {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private stopWatch?: () => void;

  constructor(
    private readonly store: Store,
    private readonly allocations: ServiceAllocations,
    private readonly servicesPrefix: string,
    private readonly logger: ServerLogger,
  ) {}

  async start(): Promise<void> {
    await this.sweep();
    const watch = await this.store.watch(this.servicesPrefix);
    this.stopWatch = () => watch.stop();
    void (async () => {
      try {
        for await (const event of watch) if (event.type !== 'ADDED') this.schedule(AFTER_CHANGE_MS);
      } catch {
        // The periodic sweep still runs.
      }
    })();
    this.schedule(PERIOD_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatch?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over both ranges. */
  async sweep(now = Date.now()): Promise<number> {
    const services = await this.services();
    const ips = new Map<string, number | undefined>();
    const ports = new Map<string, number[]>();
    for (const svc of services) {
      const held = heldValues(svc);
      ips.set(svc.metadata.uid ?? '', held.ip);
      ports.set(svc.metadata.uid ?? '', held.ports);
    }
    const freed =
      (await this.free(this.allocations.ips, now, (r, v) => ips.get(r.owner.uid) === v)) +
      (await this.free(this.allocations.nodePorts, now, (r, v) => ports.get(r.owner.uid)?.includes(v) ?? false));
    return freed;
  }

  private async free(allocator: RangeAllocator, now: number, held: (r: AllocationRecord, value: number) => boolean): Promise<number> {
    let freed = 0;
    for (const record of await allocator.records()) {
      const value = allocator.spec.parse(record.metadata.name);
      if (value === undefined || now - record.allocatedAt < this.allocations.graceMs || held(record, value)) continue;
      await allocator.drop(record);
      freed++;
    }
    return freed;
  }

  private async services(): Promise<Service[]> {
    const out: Service[] = [];
    let cont: string | undefined;
    do {
      const page = await this.store.list(this.servicesPrefix, { limit: 1000, continue: cont });
      out.push(...(page.items as unknown as Service[]));
      cont = page.continue;
    } while (cont);
    return out;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.sweep()
        .then(() => undefined)
        .catch((err) => this.logger.warn(`service IP/port repair failed; will retry: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.running = undefined;
          this.schedule(PERIOD_MS);
        });
    }, ms);
    this.timer.unref();
  }
}
