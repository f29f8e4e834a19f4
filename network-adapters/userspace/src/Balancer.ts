// Which backend a new connection (or UDP session) goes to: round robin over the ready backends,
// or, with ClientIP affinity, the backend this client used last while that is fresh.
import type { ServiceBackend } from '@corral/core/kernel';

export interface BalancerOptions {
  /** ClientIP affinity's timeout in ms; undefined: no affinity. */
  readonly affinityMs?: number;
  readonly now?: () => number;
}

export function backendKey(b: Pick<ServiceBackend, 'ip' | 'port'>): string {
  return b.ip.includes(':') ? `[${b.ip}]:${b.port}` : `${b.ip}:${b.port}`;
}

export class Balancer {
  private backends: ServiceBackend[] = [];
  private next = 0;
  private readonly sticky = new Map<string, { key: string; until: number }>();
  private affinityMs: number | undefined;
  private readonly now: () => number;

  constructor(options: BalancerOptions = {}) {
    this.affinityMs = options.affinityMs;
    this.now = options.now ?? Date.now;
  }

  /** Only ready backends receive traffic; affinity entries to vanished backends are dropped. */
  update(backends: readonly ServiceBackend[], affinityMs: number | undefined): void {
    this.backends = backends.filter((b) => b.ready);
    this.affinityMs = affinityMs;
    if (affinityMs === undefined) this.sticky.clear();
    const live = new Set(this.backends.map(backendKey));
    for (const [client, entry] of this.sticky) if (!live.has(entry.key)) this.sticky.delete(client);
  }

  /** The keys of the backends receiving traffic. */
  liveKeys(): Set<string> {
    return new Set(this.backends.map(backendKey));
  }

  /** Whether picks depend on the client's address (ClientIP affinity). */
  get hasAffinity(): boolean {
    return this.affinityMs !== undefined;
  }

  get size(): number {
    return this.backends.length;
  }

  /** A backend for `clientIP`, skipping `tried` (failed connects); undefined when none is left. */
  pick(clientIP: string, tried?: ReadonlySet<string>): ServiceBackend | undefined {
    const now = this.now();
    if (this.affinityMs !== undefined) {
      const entry = this.sticky.get(clientIP);
      if (entry && entry.until > now && !tried?.has(entry.key)) {
        const backend = this.backends.find((b) => backendKey(b) === entry.key);
        if (backend) {
          entry.until = now + this.affinityMs;
          return backend;
        }
      }
    }
    for (let i = 0; i < this.backends.length; i++) {
      const backend = this.backends[(this.next + i) % this.backends.length]!;
      if (tried?.has(backendKey(backend))) continue;
      this.next = (this.next + i + 1) % this.backends.length;
      if (this.affinityMs !== undefined) this.sticky.set(clientIP, { key: backendKey(backend), until: now + this.affinityMs });
      return backend;
    }
    return undefined;
  }
}
