// For containerd: its CRI plugin sets pods up through CNI itself, so the bridge adapter only
// writes the CNI config it reads (the reference bridge + host-local plugins, on the same bridge
// and the node's subnet, without NAT).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addressAt, parseIpv4Cidr } from '@corral/core/net';

export interface CniConfigOptions {
  readonly bridge: string;
  readonly podCIDR: string;
  readonly mtu?: number;
  /** host-local's lease directory; default CNI's own. */
  readonly ipamDataDir?: string;
}

export const CNI_NETWORK_NAME = 'corral';
export const CNI_CONFIG_FILE = '10-corral.conflist';

export function cniConfig(options: CniConfigOptions): object {
  const range = parseIpv4Cidr(options.podCIDR);
  return {
    cniVersion: '0.4.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: options.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ...(options.mtu ? { mtu: options.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: options.podCIDR, gateway: addressAt(range, 1) }]],
          routes: [{ dst: '0.0.0.0/0' }],
          ...(options.ipamDataDir ? { dataDir: options.ipamDataDir } : {}),
        },
      },
    ],
  };
}

/** Writes the config atomically into `dir` (containerd's CNI conf_dir); returns its path. */
export async function writeCniConfig(dir: string, options: CniConfigOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, CNI_CONFIG_FILE);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(cniConfig(options), null, 2) + '\n');
  await rename(tmp, path);
  return path;
}
