// The test-bed network of `corral up --nodes`: a bridge on the host that carries the server's
// address, and one network namespace per node joined to it by a veth pair. Everything is made
// idempotently, so a second `corral up` on the same data dir takes over what the first left.
import { ensureForwardAccept, haveIptables, removeForwardAccept } from '../net/forward.js';
import { ip, IpError, linkExists } from '../net/ip.js';
import { parseIpv4Cidr } from '../net/ipv4.js';
import type { ClusterNames, NodeNames } from './names.js';
import { ownNamePattern } from './names.js';
import { commandLine, killProcessesIn, stopProcessesIn } from './processes.js';

/** A `corral agent` (of any Corral install): what an earlier, killed `corral up` left running. */
const isAgent = (pid: number): boolean => / agent --config /.test(commandLine(pid));

/**
 * A route of this machine (not the cluster's own) that overlaps `underlay`, as `ip route` shows
 * it: taking that subnet would cut the machine off from a network it uses.
 */
export async function overlappingRoute(names: ClusterNames, underlay: string): Promise<string | undefined> {
  const range = parseIpv4Cidr(underlay);
  const lines = (await ip(['-o', '-4', 'route', 'show', 'table', 'all'])).split('\n');
  for (const line of lines) {
    const [dest] = line.split(' ');
    if (!dest || dest === 'default' || line.includes(` dev ${names.bridge} `) || /^(local|broadcast|unreachable|prohibit|blackhole)\b/.test(line)) continue;
    let other;
    try {
      other = parseIpv4Cidr(dest.includes('/') ? dest : `${dest}/32`);
    } catch {
      continue;
    }
    if (other.base < range.base + range.size && range.base < other.base + other.size) return line.trim();
  }
  return undefined;
}

/** The bridge with the server's address, up. */
export async function ensureBridge(names: ClusterNames): Promise<void> {
  if (!(await linkExists(names.bridge))) {
    await ip(['link', 'add', names.bridge, 'type', 'bridge']).catch((err: IpError) => {
      if (!/File exists/.test(err.stderr)) throw err;
    });
  }
  await ip(['address', 'replace', `${names.serverIP}/${names.prefix}`, 'dev', names.bridge]);
  await ip(['link', 'set', names.bridge, 'up']);
  // Node-to-node frames (the overlay's VXLAN packets) cross this bridge, and through
  // br_netfilter the host's FORWARD chain: a firewall that drops by default (Docker's) must let
  // them through.
  if (await haveIptables()) await ensureForwardAccept(underlayForwarding(names));
}

function underlayForwarding(names: ClusterNames) {
  return { chain: `CRLFWD-${names.bridge}`, interfaces: [names.bridge], comment: 'corral up: between the nodes' };
}

export async function namespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']).catch(() => '');
  return out.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
}

async function hasAddress(node: NodeNames, prefix: number): Promise<boolean> {
  const out = await ip(['-n', node.netns, '-o', '-4', 'address', 'show', 'dev', 'u0']).catch(() => '');
  return out.includes(` ${node.ip}/${prefix} `);
}

/** The node's namespace, its end of the underlay (`u0`, with the node's address) and loopback, up. */
export async function ensureNode(names: ClusterNames, node: NodeNames): Promise<void> {
  if (!(await namespaces()).includes(node.netns)) await ip(['netns', 'add', node.netns]);
  if (!(await linkExists('u0', node.netns)) || !(await linkExists(node.hostVeth))) {
    // A half-made pair from an interrupted run: start over.
    await ip(['-n', node.netns, 'link', 'del', 'u0']).catch(() => undefined);
    await ip(['link', 'del', node.hostVeth]).catch(() => undefined);
    await ip(['link', 'del', node.peer]).catch(() => undefined);
    // Made under names of this cluster's own, so two clusters never race for one name.
    await ip(['link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', node.peer]);
    await ip(['link', 'set', node.peer, 'netns', node.netns]);
    await ip(['-n', node.netns, 'link', 'set', node.peer, 'name', 'u0']);
  }
  await ip(['link', 'set', node.hostVeth, 'master', names.bridge, 'up']);
  if (!(await hasAddress(node, names.prefix))) {
    await ip(['-n', node.netns, 'address', 'flush', 'dev', 'u0']);
    await ip(['-n', node.netns, 'address', 'add', `${node.ip}/${names.prefix}`, 'dev', 'u0']);
  }
  await ip(['-n', node.netns, 'link', 'set', 'u0', 'up']);
  await ip(['-n', node.netns, 'link', 'set', 'lo', 'up']);
}

/**
 * Left by an earlier run on this data dir that was killed: agents still running in its
 * namespaces are stopped, and namespaces and links that this run will not use are removed.
 */
export async function cleanLeftovers(names: ClusterNames): Promise<string[]> {
  const own = ownNamePattern(names.id);
  const wanted = new Set(names.nodes.flatMap((n) => [n.netns, n.hostVeth]));
  const done: string[] = [];
  for (const ns of (await namespaces()).filter((n) => own.test(n))) {
    // Only the agents: their pods keep running for this run's agents to adopt. Killed, not
    // asked: on SIGTERM an agent of `corral up` (--stop-pods) would stop its pods first.
    const stopped = await killProcessesIn(ns, isAgent);
    if (stopped > 0) done.push(`stopped the agent left running in ${ns}`);
    if (!wanted.has(ns)) {
      await ip(['netns', 'del', ns]).catch(() => undefined);
      done.push(`removed namespace ${ns}`);
    }
  }
  const links = (await ip(['-o', 'link', 'show']).catch(() => ''))
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && own.test(n) && n !== names.bridge && !wanted.has(n));
  for (const link of links) {
    await ip(['link', 'del', link]).catch(() => undefined);
    done.push(`removed link ${link}`);
  }
  return done;
}

/** Deletes the namespaces and the bridge: the veth pairs and the routes through the bridge go with them. */
export async function removeTopology(names: ClusterNames): Promise<void> {
  for (const node of names.nodes) {
    await stopProcessesIn(node.netns);
    await ip(['netns', 'del', node.netns]).catch(() => undefined);
    await ip(['link', 'del', node.hostVeth]).catch(() => undefined);
  }
  await ip(['link', 'del', names.bridge]).catch(() => undefined);
  if (await haveIptables()) await removeForwardAccept(underlayForwarding(names));
}

/** Routes the host's traffic for `cidr` to a node (pod subnets; the service range). */
export async function routeVia(names: ClusterNames, cidr: string, node: NodeNames): Promise<void> {
  await ip(['route', 'replace', cidr, 'via', node.ip, 'dev', names.bridge]);
}
