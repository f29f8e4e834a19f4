// The `bridge` pod network for one node: a Linux bridge holding the subnet's first address as
// the pods' gateway, and per pod a network namespace, a veth pair (eth0 inside, the other end on
// the bridge) and an address leased from the node's subnet. No NAT: pods are reached by their
// addresses on this machine, and other nodes' pods through the overlay.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addressAt, IpError, parseIpv4Cidr, type Ipv4Range } from '@corral/core/net';
import { ip, ipBatch, linkExists } from './ipRunner.js';
import type { PodNetwork, PodNetworkAttachment, PodNetworkStatus } from '@corral/core/kernel';
import { acceptBridgeForwarding, removeBridgeForwarding } from './forward.js';
import { Ipam } from './Ipam.js';
import { alreadyExists, freshPodLines, podSideLines, teardownFailures, teardownLines, withFailedLine, type PodBatchInput } from './podBatch.js';

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
    const input = { netns, hostVeth, bridge: this.options.bridge, address, prefix: this.range.prefix, mac, gateway: this.gateway, mtu: this.options.mtu };
    try {
      // A node in a namespace of its own (tests) takes the careful path: `ip -n X netns add`
      // would make the pod's namespace inside the node's mount namespace, unseen by the runtime.
      if (this.options.nodeNetns || !(await this.freshSetup(pod.uid, input))) await this.carefulSetup(input);
    } catch (err) {
      await this.teardown(pod).catch(() => undefined);
      throw new Error(`setting up the network of pod ${pod.namespace}/${pod.name} (namespace ${netns}, address ${address}): ${err instanceof Error ? err.message : String(err)}`);
    }
    return { ip: address, ips: [address], netnsPath: join(NETNS_DIR, netns), gateway: this.gateway };
  }

  async teardown(pod: PodNetworkAttachment): Promise<void> {
    const { netns, hostVeth } = podLinkNames(pod.uid);
    const address = await this.ipam.addressOf(pod.uid);
    if (this.options.nodeNetns) {
      await ip(['netns', 'del', netns]).catch((err: IpError) => {
        if (!/No such file|not found|Invalid argument/i.test(err.stderr)) throw err;
      });
    }
    const lines = teardownLines(netns, hostVeth, this.options.bridge, address);
    await ipBatch(this.options.nodeNetns ? lines.slice(1) : lines, this.options.nodeNetns).catch((err: IpError) => {
      const failures = teardownFailures(err.stderr ?? String(err));
      if (failures.length > 0) throw new Error(`tearing down the network of pod ${pod.namespace}/${pod.name} (namespace ${netns}): ${failures.join('; ')}`);
    });
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

  /**
   * The pod's network in one `ip` run; false when part of it was there already (a retried or
   * re-adopted pod), for the careful path to finish.
   */
  private async freshSetup(uid: string, input: PodBatchInput): Promise<boolean> {
    const dir = join(this.options.stateDir, 'batches');
    const file = join(dir, uid);
    await mkdir(dir, { recursive: true });
    await writeFile(file, podSideLines(input).join('\n') + '\n');
    const lines = freshPodLines(input, file);
    try {
      await ip(['-batch', '-'], lines.join('\n') + '\n');
      return true;
    } catch (err) {
      if (alreadyExists(err)) return false;
      throw withFailedLine(err, lines);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Setup step by step, keeping what an earlier setup of the pod made. */
  private async carefulSetup(input: PodBatchInput): Promise<void> {
    const { netns, hostVeth } = input;
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
    // See freshPodLines for the neighbour entry.
    node.push(`link set ${hostVeth} master ${this.options.bridge} up`, `neigh replace ${input.address} lladdr ${input.mac} dev ${this.options.bridge} nud reachable`);
    await ipBatch(node, this.options.nodeNetns);
    await ipBatch(podSideLines(input), netns);
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
