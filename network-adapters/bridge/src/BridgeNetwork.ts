// The `bridge` pod network for one node: a Linux bridge holding the subnet's first address as
// the pods' gateway, and per pod a network namespace, a veth pair (eth0 inside, the other end on
// the bridge) and an address leased from the node's subnet. No NAT: pods are reached by their
// addresses on this machine, and other nodes' pods through the overlay.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { addressAt, IpError, ip, ipBatch, linkExists, parseIpv4Cidr, type Ipv4Range } from '@corral/core/net';
import type { PodNetwork, PodNetworkAttachment, PodNetworkStatus } from '@corral/core/kernel';
import { acceptBridgeForwarding, removeBridgeForwarding } from './forward.js';
import { Ipam } from './Ipam.js';

export interface BridgeOptions {
  /** The bridge's name; default "corral0". */
  readonly bridge: string;
  /** The node's pod subnet, e.g. 10.244.3.0/24. */
  readonly podCIDR: string;
  /** Where leases live. */
  readonly stateDir: string;
  readonly mtu?: number;
  /**
   * The node's own network namespace, when it is not this process's (several nodes on one
   * machine, in tests): the bridge and the host ends of the pairs live there.
   */
  readonly nodeNetns?: string;
}

const NETNS_DIR = '/run/netns';

/** Names derived from the pod's uid, so a restarted agent finds what it made. */
export function podLinkNames(uid: string): { netns: string; hostVeth: string } {
  const hash = createHash('sha1').update(uid).digest('hex').slice(0, 8);
  return { netns: `corral-${uid}`, hostVeth: `crl${hash}` };
}

/**
 * A pod's MAC, from its address as the CNI bridge plugin makes it (0a:58 and the four bytes):
 * locally administered, unique on the bridge, and known without asking the pod's namespace.
 */
export function macOf(address: string): string {
  return ['0a', '58', ...address.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

export class BridgeNetwork implements PodNetwork {
  readonly name = 'bridge';
  readonly range: Ipv4Range & { readonly prefix: number };
  readonly gateway: string;
  private readonly ipam: Ipam;
  private bridgeReady?: Promise<void>;

  constructor(readonly options: BridgeOptions) {
    this.range = parseIpv4Cidr(options.podCIDR);
    if (this.range.size < 4) throw new Error(`the pod subnet ${options.podCIDR} is too small: use /30 or larger`);
    this.gateway = addressAt(this.range, 1);
    this.ipam = new Ipam(join(options.stateDir, 'leases'), this.range, new Set([this.gateway]));
  }

  async setup(pod: PodNetworkAttachment): Promise<PodNetworkStatus> {
    await (this.bridgeReady ??= this.ensureBridge().catch((err) => {
      this.bridgeReady = undefined;
      throw err;
    }));
    const { netns, hostVeth } = podLinkNames(pod.uid);
    const address = await this.ipam.lease(pod.uid);
    const mac = macOf(address);
    // Few `ip` runs (each one a process): pods start in bursts, and each run costs the node CPU.
    try {
      await ip(['netns', 'add', netns]).catch((err: IpError) => {
        if (!/File exists/.test(err.stderr)) throw err;
      });
      const node: string[] = [];
      if (!(await linkExists(hostVeth, this.options.nodeNetns))) {
        // A half-made pair from an earlier attempt: start over.
        if (await linkExists('eth0', netns)) await ip(['-n', netns, 'link', 'del', 'eth0']);
        // The peer is made in the pod's namespace, as its eth0.
        node.push(`link add ${hostVeth} ${this.mtuArgs().join(' ')} type veth peer name eth0 ${this.mtuArgs().join(' ')} netns ${netns}`);
      }
      // The node's neighbour (ARP) entry for the address names this pod's MAC at once: an entry
      // left by an earlier pod on the same address would name that pod's MAC, and the node's
      // packets to the new pod would go nowhere until the entry failed its probes (tens of seconds).
      node.push(`link set ${hostVeth} master ${this.options.bridge} up`, `neigh replace ${address} lladdr ${mac} dev ${this.options.bridge} nud reachable`);
      await ipBatch(node, this.options.nodeNetns);
      await ipBatch(
        ['link set lo up', `link set eth0 address ${mac}`, `address replace ${address}/${this.range.prefix} dev eth0`, 'link set eth0 up', `route replace default via ${this.gateway} dev eth0`],
        netns,
      );
    } catch (err) {
      await this.teardown(pod).catch(() => undefined);
      throw new Error(`setting up the network of pod ${pod.namespace}/${pod.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { ip: address, ips: [address], netnsPath: join(NETNS_DIR, netns), gateway: this.gateway };
  }

  async teardown(pod: PodNetworkAttachment): Promise<void> {
    const { netns, hostVeth } = podLinkNames(pod.uid);
    // Deleting the namespace deletes eth0 and with it the host end of the pair.
    await ip(['netns', 'del', netns]).catch((err: IpError) => {
      if (!/No such file|not found|Invalid argument/i.test(err.stderr)) throw err;
    });
    if (await linkExists(hostVeth, this.options.nodeNetns)) await this.ip(['link', 'del', hostVeth]).catch(() => undefined);
    const address = await this.ipam.addressOf(pod.uid);
    // The node would otherwise keep sending to this pod's MAC when the address is leased again.
    if (address) await this.ip(['neigh', 'del', address, 'dev', this.options.bridge]).catch(() => undefined);
    await this.ipam.release(pod.uid);
  }

  /** Pods keep their network when the agent stops. */
  async close(): Promise<void> {}

  /** Removes the bridge itself (when the whole node goes away, and in tests). */
  async removeBridge(): Promise<void> {
    this.bridgeReady = undefined;
    if (await linkExists(this.options.bridge, this.options.nodeNetns)) await this.ip(['link', 'del', this.options.bridge]);
    await removeBridgeForwarding(this.options.bridge, this.options.nodeNetns);
  }

  /** The uids holding addresses now (for an agent's orphan cleanup). */
  async leasedPods(): Promise<string[]> {
    return [...(await this.ipam.leases()).values()];
  }

  private async ensureBridge(): Promise<void> {
    const br = this.options.bridge;
    if (!(await linkExists(br, this.options.nodeNetns))) {
      await this.ip(['link', 'add', br, ...this.mtuArgs(), 'type', 'bridge']).catch((err: IpError) => {
        if (!/File exists/.test(err.stderr)) throw new Error(`cannot create the bridge ${br} (root is needed): ${err.stderr}`);
      });
    }
    await this.ip(['address', 'replace', `${this.gateway}/${this.range.prefix}`, 'dev', br]);
    await this.ip(['link', 'set', br, 'up']);
    await acceptBridgeForwarding(br, this.options.nodeNetns);
  }

  /** `ip` on the node's side. */
  private ip(args: readonly string[]): Promise<string> {
    return ip(this.options.nodeNetns ? ['-n', this.options.nodeNetns, ...args] : args);
  }

  private mtuArgs(): string[] {
    return this.options.mtu ? ['mtu', String(this.options.mtu)] : [];
  }
}
