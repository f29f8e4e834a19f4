// Node subnets carved from the cluster CIDR: the lowest free one for each new node. What is in
// use is read back from the nodes themselves (spec.podCIDR), so the store is the only record and
// a deleted node's subnet is free again once its Node is gone.
import { addressAt, parseIpv4, parseIpv4Cidr, type Ipv4Range } from '@corral/core/net';

export class SubnetAllocator {
  readonly cluster: Ipv4Range & { readonly prefix: number };
  readonly count: number;
  private readonly subnetSize: number;

  constructor(
    clusterCIDR: string,
    readonly nodeMaskSize: number,
  ) {
    this.cluster = parseIpv4Cidr(clusterCIDR);
    if (nodeMaskSize < this.cluster.prefix || nodeMaskSize > 30) {
      throw new Error(`nodeMaskSize ${nodeMaskSize} must be between the cluster CIDR's prefix (/${this.cluster.prefix}) and 30`);
    }
    this.subnetSize = 2 ** (32 - nodeMaskSize);
    this.count = this.cluster.size / this.subnetSize;
  }

  subnet(index: number): string {
    return `${addressAt(this.cluster, index * this.subnetSize)}/${this.nodeMaskSize}`;
  }

  /** The index of `cidr` in the cluster range, or undefined when it is not one of its subnets. */
  indexOf(cidr: string): number | undefined {
    const [ip, bits] = cidr.split('/');
    const value = ip === undefined ? undefined : parseIpv4(ip);
    if (value === undefined || Number(bits) !== this.nodeMaskSize) return undefined;
    const offset = value - this.cluster.base;
    if (offset < 0 || offset >= this.cluster.size || offset % this.subnetSize !== 0) return undefined;
    return offset / this.subnetSize;
  }

  /** The lowest subnet not in `used` (indexes), or undefined when all are taken. */
  next(used: ReadonlySet<number>): string | undefined {
    for (let i = 0; i < this.count; i++) if (!used.has(i)) return this.subnet(i);
    return undefined;
  }
}
