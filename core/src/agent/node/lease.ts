import { ApiError } from '../../api/errors.js';
import type { Lease } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';

// The node's heartbeat: a Lease named after the node in kube-node-lease, renewed every few
// seconds. The node-lifecycle controller reads renewTime; silence past leaseDurationSeconds
// marks the node lost.

const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' };
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Kubernetes' MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class NodeLease {
  private current?: Lease;

  constructor(
    private readonly client: ApiClient,
    private readonly nodeName: string,
    private readonly durationSeconds: number,
    private readonly ownerUid: () => string | undefined,
  ) {}

  /** Creates or renews the lease; throws when the API cannot be reached (the caller retries). */
  async renew(now = Date.now()): Promise<Lease> {
    const renewTime = microTime(now);
    if (this.current) {
      const next: Lease = { ...this.current, spec: { ...this.current.spec, holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime } };
      try {
        return (this.current = await this.client.update(LEASES, next, { namespace: NODE_LEASE_NAMESPACE }));
      } catch (err) {
        // Someone else wrote it (or it was deleted): read it again next time.
        this.current = undefined;
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
      }
    }
    try {
      const found = await this.client.get<Lease>(LEASES, this.nodeName, { namespace: NODE_LEASE_NAMESPACE });
      const next: Lease = { ...found, spec: { ...found.spec, holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime } };
      return (this.current = await this.client.update(LEASES, next, { namespace: NODE_LEASE_NAMESPACE }));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
    const uid = this.ownerUid();
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.nodeName,
        namespace: NODE_LEASE_NAMESPACE,
        // Owned by the Node, so deleting the node deletes its lease.
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] } : {}),
      },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime },
    };
    return (this.current = await this.client.create(LEASES, lease, { namespace: NODE_LEASE_NAMESPACE }));
  }
}
