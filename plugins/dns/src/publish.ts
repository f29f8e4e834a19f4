// The cluster DNS's own Service: kube-system/kube-dns on a fixed ClusterIP (what pods'
// resolv.conf names), with hand-written Endpoints pointing at where this server listens.
import type { ApiClient } from '@corral/core/client';
import type { ApiObject, Endpoints, Service } from '@corral/core/api';

export const DNS_SERVICE = { namespace: 'kube-system', name: 'kube-dns' };

function isStatus(err: unknown, code: number): boolean {
  return (err as { code?: number; status?: number }).code === code || (err as { status?: number }).status === code;
}

async function upsert<T extends ApiObject>(client: ApiClient, resource: string, desired: T, same: (current: T) => boolean): Promise<void> {
  try {
    const current = await client.get<T>(resource, desired.metadata.name!, { namespace: desired.metadata.namespace });
    if (same(current)) return;
    await client.update(resource, { ...desired, metadata: { ...current.metadata, labels: desired.metadata.labels } });
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
    await client.create(resource, desired);
  }
}

export async function publishDnsService(client: ApiClient, serviceIP: string, address: string, port: number): Promise<void> {
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CorralDNS' };
  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP' as const },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  ];
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...DNS_SERVICE, labels },
    spec: { clusterIP: serviceIP, ports: ports.map((p) => ({ ...p, targetPort: port })) },
  };
  await upsert(client, 'services', service, (cur) => cur.spec.clusterIP === serviceIP && JSON.stringify(cur.spec.ports?.map((p) => p.targetPort)) === JSON.stringify([port, port]));
  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { ...DNS_SERVICE, labels },
    subsets: [{ addresses: [{ ip: address }], ports: ports.map((p) => ({ name: p.name, port, protocol: p.protocol })) }],
  };
  await upsert(client, 'endpoints', endpoints, (cur) => JSON.stringify(cur.subsets) === JSON.stringify(endpoints.subsets));
}

export interface DnsServiceKeeperOptions {
  readonly client: ApiClient;
  readonly serviceIP: string;
  /** Where the DNS server answers (the Endpoints' address and port). */
  readonly address: string;
  readonly port: number;
  /** Told once per run of failures, and once when publishing works again. */
  readonly warn: (message: string) => void;
  /** First retry delay; doubled per failure up to `maxRetryMs`. Default 500 ms. */
  readonly retryMs?: number;
  /** Default 30 s. */
  readonly maxRetryMs?: number;
}

/**
 * Keeps kube-system/kube-dns and its Endpoints as published for as long as the DNS runs, as
 * Kubernetes' addon manager keeps its addons: a failed write is retried with back-off, and the
 * objects are put back when someone deletes or changes them (`changed()` says when).
 */
export class DnsServiceKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: DnsServiceKeeperOptions) {}

  /** Publishes once and reports whether it worked; on failure retries continue in the background. */
  async start(): Promise<boolean> {
    await this.sync();
    return this.failures === 0;
  }

  /** The Service or Endpoints kube-dns changed or went: check them soon. */
  changed(): void {
    if (this.stopped || this.timer) return;
    this.schedule(50);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, ms);
    this.timer.unref?.();
  }

  /** One write at a time; a change seen during one runs another after it. */
  private sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.publishOnce();
      } while (this.again && !this.stopped && this.failures === 0);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async publishOnce(): Promise<void> {
    const { client, serviceIP, address, port, warn } = this.options;
    try {
      await publishDnsService(client, serviceIP, address, port);
      if (this.failures > 0) warn(`dns: published ${DNS_SERVICE.namespace}/${DNS_SERVICE.name} on ${serviceIP} after ${this.failures} failed attempt(s)`);
      this.failures = 0;
    } catch (err) {
      if (this.stopped) return;
      const retryMs = Math.min((this.options.retryMs ?? 500) * 2 ** this.failures, this.options.maxRetryMs ?? 30_000);
      if (this.failures === 0) {
        warn(`dns: publishing ${DNS_SERVICE.namespace}/${DNS_SERVICE.name} on ${serviceIP} failed: ${err instanceof Error ? err.message : String(err)}; retrying, first in ${retryMs} ms`);
      }
      this.failures++;
      this.schedule(retryMs);
    }
  }
}
