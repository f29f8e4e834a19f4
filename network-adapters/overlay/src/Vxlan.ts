// One node's end of the overlay (flannel's VXLAN backend): a VXLAN device holding the node
// subnet's network address, and for every other node a route to its subnet through that node's
// device address, a permanent neighbour entry (address -> the peer device's MAC) and an FDB
// entry (MAC -> the peer's underlay address). No multicast, no learning: the store says who is where.
import { execFile } from 'node:child_process';
import { addressAt, ip, ipBatch, IpError, linkExists, parseIpv4Cidr } from '@corral/core/net';
import { readOffloads, underlayAdvice } from './offloads.js';

export interface VxlanOptions {
  /** Default "corral.1". */
  readonly device: string;
  readonly vni: number;
  /** UDP port; default 8472 (the Linux/flannel one). */
  readonly port: number;
  /** This node's underlay address (the packets' outer source). */
  readonly localIP: string;
  /** This node's pod subnet. */
  readonly podCIDR: string;
  /** The node's network namespace when it is not this process's (tests). */
  readonly nodeNetns?: string;
}

export interface Peer {
  readonly name: string;
  readonly podCIDR: string;
  readonly underlayIP: string;
  readonly vtepMAC: string;
}

/** The settings of a VXLAN device that Corral checks (as `ip -d -j link show` names them). */
interface VxlanInfo {
  id?: number;
  local?: string;
  link?: string;
  port?: number;
  learning?: boolean;
  udp_csum?: boolean;
}

/** Outer Ethernet, IPv4, UDP and VXLAN headers. */
export const VXLAN_OVERHEAD = 50;

function deviceAddress(podCIDR: string): string {
  return addressAt(parseIpv4Cidr(podCIDR), 0);
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, [...args], (err, stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')}: ${(stderr || err.message).trim()}`)) : resolve(stdout))),
  );
}

export class Vxlan {
  private peers = new Map<string, Peer>();
  private cleaned = false;
  /** Why the last {@link ensure} made the device again (its old settings), if it did. */
  replaced?: string;

  constructor(readonly options: VxlanOptions) {}

  /** Creates (or keeps) the device; returns its MAC, which peers need. */
  async ensure(): Promise<string> {
    const { device } = this.options;
    // Bound to the underlay's interface, and 50 bytes (VXLAN's headers) under its MTU: a full
    // packet sent into the overlay must fit the underlay once wrapped, or it is fragmented.
    const under = await this.underlay();
    const mtu = String(under.mtu - VXLAN_OVERHEAD);
    const current = await this.current();
    // The kernel changes neither the checksum nor the learning setting of a device in place:
    // one made with other settings (an older Corral, another tool) is made again.
    const stale = current && this.differences(current, under.name);
    this.replaced = stale || undefined;
    if (stale) {
      await this.ip(['link', 'del', device]);
      this.peers.clear();
    }
    if (!current || stale) {
      await this.ip(['link', 'add', device, 'mtu', mtu, 'type', 'vxlan', ...this.deviceArgs(under.name)]).catch((err: IpError) => {
        throw new Error(`cannot create the VXLAN device ${device} (root is needed): ${err.stderr}`);
      });
    } else {
      await this.ip(['link', 'set', device, 'mtu', mtu]);
    }
    await this.ip(['address', 'replace', `${deviceAddress(this.options.podCIDR)}/32`, 'dev', device]);
    await this.ip(['link', 'set', device, 'up']);
    await this.forwarding();
    const info = JSON.parse(await this.ip(['-j', 'link', 'show', device])) as { address: string }[];
    return info[0]!.address;
  }

  /**
   * The device's settings. No UDP checksum on the outer header (RFC 7348 says to send zero;
   * flannel does too): the inner TCP/UDP checksum already covers the payload, and without an
   * outer one a NIC that cannot checksum tunnelled packets while it segments them (many can
   * segment but not both) still takes whole 64 KB sends instead of the kernel cutting them up.
   * No learning: peers' MACs come from the store, as FDB entries.
   */
  private deviceArgs(underlayLink: string): string[] {
    const { vni, port, localIP } = this.options;
    return ['id', String(vni), 'local', localIP, 'dev', underlayLink, 'dstport', String(port), 'nolearning', 'noudpcsum', 'udp6zerocsumtx', 'udp6zerocsumrx'];
  }

  /** What differs between the device as it is and as {@link deviceArgs} makes it, if anything. */
  private differences(info: VxlanInfo, underlayLink: string): string | undefined {
    const { vni, port, localIP } = this.options;
    const want: VxlanInfo = { id: vni, local: localIP, link: underlayLink, port, learning: false, udp_csum: false };
    const off = (Object.keys(want) as (keyof VxlanInfo)[]).filter((k) => info[k] !== want[k]);
    return off.length ? off.map((k) => `${k} ${String(info[k])} (want ${String(want[k])})`).join(', ') : undefined;
  }

  /** The device's VXLAN settings, or undefined when there is no device. */
  private async current(): Promise<VxlanInfo | undefined> {
    if (!(await linkExists(this.options.device, this.options.nodeNetns))) return undefined;
    const [link] = JSON.parse(await this.ip(['-d', '-j', 'link', 'show', this.options.device])) as { linkinfo?: { info_kind?: string; info_data?: VxlanInfo } }[];
    if (link?.linkinfo?.info_kind !== 'vxlan') throw new Error(`${this.options.device} exists${this.options.nodeNetns ? ` in ${this.options.nodeNetns}` : ''} and is not a VXLAN device: rename it or choose another device name`);
    return link.linkinfo.info_data ?? {};
  }

  /** Programs exactly `peers` (others' subnets); leftovers of earlier runs on the device go. */
  async sync(peers: readonly Peer[]): Promise<void> {
    const { device } = this.options;
    const wanted = new Map(peers.map((p) => [p.name, p]));
    const commands: string[] = [];
    if (!this.cleaned) {
      // Routes a previous run left for nodes that are gone.
      const keep = new Set(peers.map((p) => p.podCIDR));
      for (const line of (await this.ip(['route', 'show', 'dev', device])).split('\n')) {
        const cidr = line.split(' ')[0];
        if (cidr && cidr.includes('/') && !keep.has(cidr)) commands.push(`route del ${cidr} dev ${device}`);
      }
      this.cleaned = true;
    }
    const fdb: string[][] = [];
    for (const [name, old] of this.peers) {
      const now = wanted.get(name);
      if (now && now.podCIDR === old.podCIDR && now.vtepMAC === old.vtepMAC && now.underlayIP === old.underlayIP) continue;
      commands.push(`route del ${old.podCIDR} dev ${device}`, `neigh del ${deviceAddress(old.podCIDR)} dev ${device}`);
      fdb.push(['fdb', 'del', old.vtepMAC, 'dev', device, 'dst', old.underlayIP]);
    }
    for (const p of peers) {
      const old = this.peers.get(p.name);
      if (old && old.podCIDR === p.podCIDR && old.vtepMAC === p.vtepMAC && old.underlayIP === p.underlayIP) continue;
      const via = deviceAddress(p.podCIDR);
      commands.push(`neigh replace ${via} lladdr ${p.vtepMAC} dev ${device} nud permanent`, `route replace ${p.podCIDR} via ${via} dev ${device} onlink`);
      fdb.push(['fdb', 'append', p.vtepMAC, 'dev', device, 'dst', p.underlayIP]);
    }
    // Removals first (they may free an address a new peer takes), then the new entries.
    for (const args of fdb.filter((a) => a[1] === 'del')) await this.bridge(args).catch(() => undefined);
    if (commands.length) await ipBatch(commands, this.options.nodeNetns).catch(() => undefined);
    for (const args of fdb.filter((a) => a[1] === 'append')) {
      await this.bridge(args).catch((err: Error) => {
        if (!/exists/.test(err.message)) throw err;
      });
    }
    await this.verify(peers);
    this.peers = wanted;
  }

  /** Removes the device and with it every route, neighbour and FDB entry. */
  async remove(): Promise<void> {
    if (await linkExists(this.options.device, this.options.nodeNetns)) await this.ip(['link', 'del', this.options.device]);
    this.peers.clear();
  }

  /** A batch carries on past errors: check that every peer's route is there. */
  private async verify(peers: readonly Peer[]): Promise<void> {
    const routes = await this.ip(['route', 'show', 'dev', this.options.device]);
    const missing = peers.filter((p) => !routes.includes(p.podCIDR));
    if (missing.length) throw new Error(`overlay routes missing for ${missing.map((p) => `${p.name} (${p.podCIDR})`).join(', ')}`);
  }

  /** The device's MTU: what pods' interfaces need so nothing they send is fragmented. */
  async deviceMtu(): Promise<number> {
    return (JSON.parse(await this.ip(['-j', 'link', 'show', this.options.device])) as { mtu: number }[])[0]!.mtu;
  }

  /** The interface holding the underlay address, and its MTU. */
  async underlay(): Promise<{ name: string; mtu: number }> {
    const links = JSON.parse(await this.ip(['-j', '-4', 'address', 'show'])) as { ifname: string; mtu: number; addr_info?: { local?: string }[] }[];
    const link = links.find((l) => l.addr_info?.some((a) => a.local === this.options.localIP));
    if (!link) throw new Error(`no interface holds the underlay address ${this.options.localIP}${this.options.nodeNetns ? ` in ${this.options.nodeNetns}` : ''}`);
    return { name: link.ifname, mtu: link.mtu };
  }

  /**
   * What the underlay interface lacks to carry the overlay's large packets whole (see offloads.ts);
   * empty when nothing, or when ethtool is not installed.
   */
  async underlayAdvice(): Promise<string[]> {
    const { name } = await this.underlay();
    const features = await readOffloads(name, this.options.nodeNetns);
    if (!features) return [];
    const [link] = JSON.parse(await this.ip(['-d', '-j', 'link', 'show', 'dev', name])) as { linkinfo?: { info_kind?: string } }[];
    return underlayAdvice(name, features, Boolean(link?.linkinfo?.info_kind));
  }

  /** Pods' packets to other nodes are forwarded by this one. */
  private async forwarding(): Promise<void> {
    const ns = this.options.nodeNetns;
    await run(ns ? 'ip' : 'sysctl', ns ? ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'] : ['-qw', 'net.ipv4.ip_forward=1']);
  }

  private ip(args: readonly string[]): Promise<string> {
    return ip(this.options.nodeNetns ? ['-n', this.options.nodeNetns, ...args] : args);
  }

  private bridge(args: readonly string[]): Promise<string> {
    return run('bridge', this.options.nodeNetns ? ['-n', this.options.nodeNetns, ...args] : args);
  }
}
