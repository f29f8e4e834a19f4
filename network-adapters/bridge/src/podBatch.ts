// A pod's network made by one `ip` process: every `ip` run is a process the agent spawns, and
// from a large Node process each spawn costs milliseconds of the node's CPU; in a burst of pods
// they queue. The node's side runs as a batch in the node's namespace; the pod's side is a batch
// file run by `ip netns exec` from within it (a fork of the small `ip`, not of the agent).
import { IpError } from '@corral/core/net';

export interface PodBatch {
  /** Lines for `ip -batch` in the node's namespace. */
  readonly node: readonly string[];
  /** Lines for `ip -batch` inside the pod's namespace. */
  readonly pod: readonly string[];
}

export interface PodBatchInput {
  readonly netns: string;
  readonly hostVeth: string;
  readonly bridge: string;
  readonly address: string;
  readonly prefix: number;
  readonly mac: string;
  readonly gateway: string;
  readonly mtu?: number;
}

/** The pod-side lines: its loopback, eth0's address and the default route through the bridge. */
export function podSideLines(p: PodBatchInput): string[] {
  return ['link set lo up', `link set eth0 address ${p.mac}`, `address replace ${p.address}/${p.prefix} dev eth0`, 'link set eth0 up', `route replace default via ${p.gateway} dev eth0`];
}

/**
 * A fresh pod in one batch: namespace, pair (eth0 made in the namespace with the pod's MAC), the
 * host end on the bridge, the node's neighbour entry, then `podFile` (the pod-side lines) run in
 * the namespace. `ip -batch` without -force stops at the first failing line, so "File exists"
 * on the first line means an earlier setup of this pod: the caller takes the careful path.
 */
export function freshPodLines(p: PodBatchInput, podFile: string): string[] {
  const mtu = p.mtu ? ` mtu ${p.mtu}` : '';
  return [
    `netns add ${p.netns}`,
    `link add ${p.hostVeth}${mtu} type veth peer name eth0${mtu} address ${p.mac} netns ${p.netns}`,
    `link set ${p.hostVeth} master ${p.bridge} up`,
    // The node's neighbour (ARP) entry for the address names this pod's MAC at once: an entry
    // left by an earlier pod on the same address would name that pod's MAC, and the node's
    // packets to the new pod would go nowhere until the entry failed its probes (tens of seconds).
    `neigh replace ${p.address} lladdr ${p.mac} dev ${p.bridge} nud reachable`,
    `netns exec ${p.netns} ip -batch ${podFile}`,
  ];
}

/** Whether a failed batch failed on something that already exists (an earlier setup of the pod). */
export function alreadyExists(err: unknown): boolean {
  return err instanceof IpError && /File exists/.test(err.stderr);
}

/** The teardown lines: with -force, each runs whatever the others found. */
export function teardownLines(netns: string, hostVeth: string, bridge: string, address: string | undefined): string[] {
  // Deleting the namespace deletes eth0 and with it the host end of the pair, but the kernel
  // does it later: the host end is deleted too, so its name is free for the pod's next setup.
  // The node would otherwise keep sending to this pod's MAC when the address is leased again.
  return [`netns del ${netns}`, `link del ${hostVeth}`, ...(address ? [`neigh del ${address} dev ${bridge}`] : [])];
}

/** What in a -force teardown batch's stderr is not "it was gone already". */
export function teardownFailures(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/No such file|not found|Cannot find device|Invalid argument|No such device|Command failed|does not exist/i.test(l));
}

/**
 * `ip -batch` names the failing line by number ("Command failed -:3"): say which command it was.
 * A line it cannot parse (a device gone, say) ends the run without that: then name them all.
 */
export function withFailedLine(err: unknown, lines: readonly string[]): unknown {
  if (!(err instanceof IpError)) return err;
  const n = Number(/Command failed -:(\d+)/.exec(err.stderr)?.[1]);
  const line = Number.isInteger(n) ? lines[n - 1] : undefined;
  const detail = err.stderr.replace(/\s*Command failed -:\d+\s*/, ' ').trim();
  return new Error(line ? `ip ${line}: ${detail}` : `ip -batch (${lines.join('; ')}): ${detail}`);
}
