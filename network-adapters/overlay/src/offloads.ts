// The offloads that decide what the overlay costs per byte. With them, a pod's 64 KB TCP send
// crosses to the other node as one packet: segmented late by the underlay interface (or the NIC),
// wrapped once and unwrapped once. Without them the kernel does that per 1450-byte packet.
// Corral reads them and says what is missing; it does not change a host's NIC settings.
import { execFile } from 'node:child_process';

/** The `ethtool -k` features that matter on the overlay's path. */
export const PATH_FEATURES = [
  'tcp-segmentation-offload',
  'generic-segmentation-offload',
  'generic-receive-offload',
  'tx-checksumming',
  'rx-checksumming',
  'tx-udp_tnl-segmentation',
  'tx-udp_tnl-csum-segmentation',
  'rx-udp-gro-forwarding',
] as const;

export type Offloads = Record<string, boolean>;

/** `ethtool -k` output as feature -> on (the "[fixed]" notes dropped). */
export function parseOffloads(text: string): Offloads {
  const features: Offloads = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z0-9_-]+):\s+(on|off)\b/.exec(line);
    if (m) features[m[1]!] = m[2] === 'on';
  }
  return features;
}

/** An interface's offloads, or undefined where ethtool is not installed. */
export function readOffloads(device: string, netns?: string): Promise<Offloads | undefined> {
  const [command, args] = netns ? ['ip', ['netns', 'exec', netns, 'ethtool', '-k', device]] : ['ethtool', ['-k', device]];
  return new Promise((resolve, reject) =>
    execFile(command, args, (err, stdout, stderr) => {
      if (!err) return resolve(parseOffloads(stdout));
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || /ethtool.*(No such file|not found)/.test(stderr)) return resolve(undefined);
      reject(new Error(`ethtool -k ${device}${netns ? ` in ${netns}` : ''}: ${(stderr || err.message).trim()}`));
    }),
  );
}

/** The `PATH_FEATURES` of `features` only, for reports. */
export function pathOffloads(features: Offloads): Offloads {
  return Object.fromEntries(PATH_FEATURES.filter((f) => f in features).map((f) => [f, features[f]!]));
}

/**
 * What the underlay interface lacks for the overlay to carry large packets whole, as sentences.
 * `virtual`: a veth, bridge or the like (its link kind is set), which passes a sender's large
 * packets along whole, so GRO off costs nothing there; on a NIC it means one packet per frame.
 */
export function underlayAdvice(device: string, features: Offloads, virtual: boolean): string[] {
  const advice: string[] = [];
  if (features['tx-udp_tnl-segmentation'] === false) {
    advice.push(`${device} cannot segment VXLAN packets (tx-udp_tnl-segmentation off): the kernel cuts every large send from a pod into MTU-sized packets and wraps each, at a cost in CPU per byte`);
  }
  if (features['generic-receive-offload'] === false && !virtual) {
    advice.push(`${device} has GRO off: VXLAN packets from other nodes are unwrapped and forwarded one frame at a time (ethtool -K ${device} gro on aggregates them first)`);
  }
  return advice;
}
