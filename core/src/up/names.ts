import { createHash } from 'node:crypto';
import { addressAt, parseIpv4Cidr } from '../net/ipv4.js';

/**
 * Outside the private ranges home and office networks use: part of 198.18.0.0/15, which RFC 2544
 * sets aside for benchmarking and which is not routed on the internet.
 */
export const DEFAULT_UNDERLAY = '198.19.232.0/24';

/** One node of `corral up --nodes`: its name, namespace, links and underlay address. */
export interface NodeNames {
  readonly name: string;
  readonly netns: string;
  /** The host's end of the node's veth pair, enslaved to the underlay bridge. */
  readonly hostVeth: string;
  /** The other end, under this name until it is inside the namespace, where it becomes `u0`. */
  readonly peer: string;
  readonly ip: string;
}

export interface ClusterNames {
  /** Short and stable per data dir: the next `corral up` on the same dir finds what this one made. */
  readonly id: string;
  readonly bridge: string;
  readonly serverIP: string;
  readonly prefix: number;
  readonly nodes: readonly NodeNames[];
}

/** Names every link after the data dir, so two clusters on one machine never share one. */
export function clusterNames(dataDir: string, underlay: string, nodeCount: number, nodePrefix: string): ClusterNames {
  const range = parseIpv4Cidr(underlay);
  // The network address, the server and the broadcast address come first.
  if (range.size < nodeCount + 3) {
    throw new Error(`the underlay ${underlay} is too small for ${nodeCount} nodes and the server: use a larger subnet with --underlay`);
  }
  const id = createHash('sha1').update(dataDir).digest('hex').slice(0, 6);
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({
    name: `${nodePrefix}-${i + 1}`,
    netns: `crl${id}-n${i + 1}`,
    hostVeth: `crl${id}h${i + 1}`,
    peer: `crl${id}p${i + 1}`,
    ip: addressAt(range, i + 2),
  }));
  return { id, bridge: `crl${id}br`, serverIP: addressAt(range, 1), prefix: range.prefix, nodes };
}

/** Every namespace and link name `clusterNames` gives for cluster `id`, whatever the number of nodes. */
export function ownNamePattern(id: string): RegExp {
  return new RegExp(`^crl${id}(?:br|[hp]\\d+|-n\\d+)$`);
}
