// The userspace data path: a listener per service port on its ClusterIP (and external IPs) and
// per NodePort on the node's addresses, all in the agent's process. `sync` reconciles the
// listeners with the table: new ports open, gone ones close, backends swap in place.
import type { ProxyDataPath, ServiceEntry, ServicePortEntry, ServiceTable } from '@corral/core/kernel';
import { ServiceAddresses } from './ServiceAddresses.js';
import { TcpListener } from './TcpListener.js';
import { UdpListener } from './UdpListener.js';

export interface UserspaceOptions {
  /** The dummy interface that holds ClusterIPs; none: ClusterIPs must already be local (tests, non-root). */
  readonly serviceInterface?: string;
  /** Serve ClusterIPs (they need root for the interface that holds them); NodePorts are served either way. */
  readonly clusterIPs?: boolean;
  /** Where NodePorts listen; default every address (0.0.0.0). */
  readonly nodePortAddresses: readonly string[];
  readonly connectTimeoutMs: number;
  readonly maxConnectAttempts: number;
  readonly udpIdleTimeoutMs: number;
  readonly onError?: (message: string) => void;
}

type Listener = TcpListener | UdpListener;

interface Want {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly entry: ServiceEntry;
  readonly servicePort: ServicePortEntry;
}

function listenerKey(address: string, port: number, protocol: string): string {
  return `${address}|${port}|${protocol}`;
}

export class UserspaceProxy implements ProxyDataPath {
  readonly name = 'userspace';
  private readonly listeners = new Map<string, Listener>();
  private readonly addresses?: ServiceAddresses;
  private readonly onError: (message: string) => void;

  constructor(private readonly options: UserspaceOptions) {
    this.addresses = options.serviceInterface ? new ServiceAddresses(options.serviceInterface) : undefined;
    this.onError = options.onError ?? ((m) => process.stderr.write(`userspace proxy: ${m}\n`));
  }

  /** The listeners open now, as "address|port|protocol" (for status and tests). */
  listening(): string[] {
    return [...this.listeners.keys()].sort();
  }

  async sync(table: ServiceTable): Promise<void> {
    const wants = this.desired(table);
    const problems: string[] = [];
    if (this.addresses) {
      const ips = new Set<string>();
      for (const e of table.services) for (const ip of [e.clusterIP, ...(e.externalIPs ?? [])]) if (ip && !ip.includes(':')) ips.add(ip);
      try {
        await this.addresses.sync(ips);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    for (const [key, listener] of this.listeners) {
      if (wants.has(key)) continue;
      this.listeners.delete(key);
      await listener.close();
    }
    for (const [key, want] of wants) {
      let listener = this.listeners.get(key);
      if (!listener) {
        listener =
          want.protocol === 'TCP'
            ? new TcpListener(want.address, want.port, { connectTimeoutMs: this.options.connectTimeoutMs, maxAttempts: this.options.maxConnectAttempts, onError: this.onError })
            : new UdpListener(want.address, want.port, { idleTimeoutMs: this.options.udpIdleTimeoutMs, onError: this.onError });
        try {
          await listener.listen();
        } catch (err) {
          problems.push(`${want.entry.namespace}/${want.entry.name} port ${want.port}/${want.protocol} on ${want.address}: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        this.listeners.set(key, listener);
      }
      const affinityMs = want.entry.sessionAffinity === 'ClientIP' ? (want.entry.sessionAffinityTimeoutSeconds ?? 10_800) * 1000 : undefined;
      listener.balancer.update(want.servicePort.backends, affinityMs);
      listener.dropGone();
    }
    if (problems.length) throw new Error(problems.join('; '));
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => l.close()));
    await this.addresses?.remove();
  }

  private desired(table: ServiceTable): Map<string, Want> {
    const wants = new Map<string, Want>();
    const add = (address: string, port: number, entry: ServiceEntry, servicePort: ServicePortEntry) => {
      // SCTP has no userspace proxy.
      if (servicePort.protocol === 'SCTP') return;
      const protocol = servicePort.protocol;
      wants.set(listenerKey(address, port, protocol), { address, port, protocol, entry, servicePort });
    };
    for (const entry of table.services) {
      for (const sp of entry.ports) {
        if (this.options.clusterIPs !== false) for (const ip of [entry.clusterIP, ...(entry.externalIPs ?? [])]) if (ip) add(ip, sp.port, entry, sp);
        if (sp.nodePort) for (const address of this.options.nodePortAddresses) add(address, sp.nodePort, entry, sp);
      }
    }
    return wants;
  }
}
