// A Service's ClusterIP and NodePorts, taken from their ranges as the Service is written (so the
// response carries them) and given back by the repair loop once no Service holds them.
import { ApiError } from '../../api/errors.js';
import type { ApiObject, Service, ServicePort } from '../../api/types.js';
import { invalidValue } from '../../api/validation/field.js';
import type { StatusCause } from '../../api/types.js';
import { isStoreError } from '../../store/errors.js';
import type { Store } from '../../store/types.js';
import type { Allocated } from '../storage/context.js';
import { formatIpv4, parseIpv4, parseIpv4Cidr, usableIn, type Ipv4Range } from '../../net/ipv4.js';
import { RangeAllocator, RangeExhausted, type AllocationOwner, type AllocationRecord } from './RangeAllocator.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 };
/** A record younger than this may belong to a create still in flight: neither taken over nor freed. */
export const ALLOCATION_GRACE_MS = 30_000;

const IP_PREFIX = '/registry/serviceipallocations/';
const PORT_PREFIX = '/registry/servicenodeportallocations/';

export interface ServiceAllocationOptions {
  readonly serviceCIDR?: string;
  readonly nodePortRange?: { readonly min: number; readonly max: number };
  /** Default ALLOCATION_GRACE_MS. */
  readonly graceMs?: number;
  /** Where Services are stored: owners are checked there. */
  serviceKey(namespace: string, name: string): string;
}

const NOTHING: Allocated = { undo: async () => undefined, commit: async () => undefined };

function needsClusterIP(spec: Service['spec']): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function needsNodePorts(spec: Service['spec']): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

function ownerOf(svc: ApiObject): AllocationOwner {
  return { namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '' };
}

/** The values a Service holds (what the repair loop keeps). */
export function heldValues(svc: Service): { ip?: number; ports: number[] } {
  const spec = svc.spec ?? {};
  const ip = spec.clusterIP && spec.clusterIP !== 'None' ? parseIpv4(spec.clusterIP) : undefined;
  const ports = needsNodePorts(spec) ? (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0) : [];
  return { ip, ports };
}

export class ServiceAllocations {
  readonly range: Ipv4Range;
  readonly ips: RangeAllocator;
  readonly nodePorts: RangeAllocator;
  readonly graceMs: number;

  constructor(
    private readonly store: Store,
    private readonly options: ServiceAllocationOptions,
  ) {
    this.range = serviceRange(options.serviceCIDR ?? DEFAULT_SERVICE_CIDR);
    this.graceMs = options.graceMs ?? ALLOCATION_GRACE_MS;
    const range = this.range;
    const ports = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    this.ips = new RangeAllocator(
      store,
      {
        prefix: IP_PREFIX,
        first: range.base,
        count: range.size,
        format: formatIpv4,
        parse: parseIpv4,
        usable: (v) => usableIn(range, v),
      },
      (r) => this.ownerHolds(r, (svc) => heldValues(svc).ip === parseIpv4(r.metadata.name)),
    );
    this.nodePorts = new RangeAllocator(
      store,
      {
        prefix: PORT_PREFIX,
        first: ports.min,
        count: ports.max - ports.min + 1,
        format: String,
        parse: (name) => (/^\d+$/.test(name) ? Number(name) : undefined),
      },
      (r) => this.ownerHolds(r, (svc) => heldValues(svc).ports.includes(Number(r.metadata.name))),
    );
  }

  /** Fills in and takes the ClusterIP and NodePorts of a Service about to be created. */
  async beforeCreate(svc: Service): Promise<Allocated> {
    return this.take(svc, undefined);
  }

  /**
   * For an update: values the client left out are kept from the stored Service (as Kubernetes
   * does, so `apply` of a manifest without clusterIP works), new ones taken. `commit` frees
   * what the stored Service held and the new one does not.
   */
  async beforeUpdate(svc: Service, old: Service): Promise<Allocated> {
    carryOver(svc, old);
    return this.take(svc, old);
  }

  /** The Service is deleted: its ClusterIP and NodePorts are free again (best effort, as `commit`). */
  async afterDelete(svc: Service): Promise<void> {
    const held = heldValues(svc);
    const owner = ownerOf(svc);
    try {
      if (held.ip !== undefined) await this.ips.release(held.ip, owner);
      for (const p of new Set(held.ports)) await this.nodePorts.release(p, owner);
    } catch {
      // The repair loop frees what is left.
    }
  }

  private async take(svc: Service, old: Service | undefined): Promise<Allocated> {
    const spec = (svc.spec ??= {});
    const owner = ownerOf(svc);
    const taken: (() => Promise<void>)[] = [];
    const undo = async () => {
      for (const release of taken.reverse()) await release();
    };
    const oldHeld = old ? heldValues(old) : { ports: [] as number[] };
    try {
      if (needsClusterIP(spec)) await this.takeClusterIP(svc, owner, oldHeld.ip, taken);
      if (needsNodePorts(spec)) await this.takeNodePorts(svc, owner, new Set(oldHeld.ports), taken);
    } catch (err) {
      await undo();
      throw err;
    }
    if (!old && taken.length === 0) return NOTHING;
    return {
      undo,
      // Best effort: whatever stays held is freed by the repair loop.
      commit: async () => {
        if (!old) return;
        const now = heldValues(svc);
        try {
          if (oldHeld.ip !== undefined && oldHeld.ip !== now.ip) await this.ips.release(oldHeld.ip, ownerOf(old));
          for (const p of oldHeld.ports) if (!now.ports.includes(p)) await this.nodePorts.release(p, ownerOf(old));
        } catch {
          // See above.
        }
      },
    };
  }

  private async takeClusterIP(svc: Service, owner: AllocationOwner, held: number | undefined, taken: (() => Promise<void>)[]): Promise<void> {
    const spec = svc.spec;
    if (spec.clusterIP) {
      const ip = parseIpv4(spec.clusterIP);
      if (ip === held) return;
      if (ip === undefined || !usableIn(this.range, ip)) {
        throw invalid(svc, invalidValue('spec.clusterIP', spec.clusterIP, `provided IP is not in the valid range. The range of valid IPs is ${this.range.cidr}`));
      }
      const result = await this.ips.reserve(ip, owner);
      if (result === 'taken') throw invalid(svc, invalidValue('spec.clusterIP', spec.clusterIP, 'provided IP is already allocated'));
      if (result === 'reserved') taken.push(() => this.ips.release(ip, owner));
    } else {
      const ip = await this.allocateOrFail(svc, this.ips, owner, 'spec.clusterIP', `the service IP range ${this.range.cidr} is full`);
      taken.push(() => this.ips.release(ip, owner));
      spec.clusterIP = formatIpv4(ip);
    }
    spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }

  private async takeNodePorts(svc: Service, owner: AllocationOwner, held: Set<number>, taken: (() => Promise<void>)[]): Promise<void> {
    const ports: ServicePort[] = svc.spec.ports ?? [];
    const inThisService = new Set<number>();
    for (const [i, port] of ports.entries()) {
      const path = `spec.ports[${i}].nodePort`;
      if (typeof port.nodePort === 'number' && port.nodePort > 0) {
        const value = port.nodePort;
        // One number may serve a TCP and a UDP port of the same Service.
        if (held.has(value) || inThisService.has(value)) continue;
        inThisService.add(value);
        const result = await this.nodePorts.reserve(value, owner);
        if (result === 'taken') throw invalid(svc, invalidValue(path, value, 'provided port is already allocated'));
        if (result === 'reserved') taken.push(() => this.nodePorts.release(value, owner));
      } else {
        const value = await this.allocateOrFail(svc, this.nodePorts, owner, path, `the node port range ${this.nodePorts.describe()} is full`);
        taken.push(() => this.nodePorts.release(value, owner));
        inThisService.add(value);
        port.nodePort = value;
      }
    }
  }

  private async allocateOrFail(svc: Service, allocator: RangeAllocator, owner: AllocationOwner, path: string, full: string): Promise<number> {
    try {
      return await allocator.allocate(owner);
    } catch (err) {
      if (err instanceof RangeExhausted) throw invalid(svc, invalidValue(path, '', full));
      throw err;
    }
  }

  /** Whether the record's Service exists with its uid and still holds the value. */
  private async ownerHolds(record: AllocationRecord, holds: (svc: Service) => boolean): Promise<boolean> {
    if (Date.now() - record.allocatedAt < this.graceMs) return true;
    const { namespace, name, uid } = record.owner;
    try {
      const svc = (await this.store.get(this.options.serviceKey(namespace, name))) as unknown as Service;
      return svc.metadata.uid === uid && holds(svc);
    } catch (err) {
      if (isStoreError(err, 'NotFound')) return false;
      throw err;
    }
  }
}

/** The service CIDR, checked: big enough to be worth it. */
export function serviceRange(cidr: string): Ipv4Range {
  const range = parseIpv4Cidr(cidr);
  if (range.prefix > 29) throw new Error(`"${cidr}" is too small for services: use a prefix of /29 or shorter`);
  return range;
}

/** What Kubernetes keeps from the stored Service when an update leaves it out. */
function carryOver(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const before = old.spec ?? {};
  if (!spec.clusterIP && before.clusterIP && needsClusterIP(spec) && needsClusterIP(before)) {
    spec.clusterIP = before.clusterIP;
    spec.clusterIPs ??= before.clusterIPs;
  }
  if (needsNodePorts(spec) && needsNodePorts(before)) {
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      const match = (before.ports ?? []).find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (match?.nodePort) port.nodePort = match.nodePort;
    }
  }
}

function invalid(svc: Service, cause: StatusCause): ApiError {
  return ApiError.invalid({ group: '', kind: 'Service' }, svc.metadata.name, [cause]);
}
