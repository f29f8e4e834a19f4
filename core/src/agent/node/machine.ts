import { statfsSync } from 'node:fs';
import { arch, cpus, hostname, networkInterfaces, platform, release, totalmem, type as osType } from 'node:os';
import type { Quantity } from '../../api/types.js';

// What the node is made of, as kubelet reports it: from the OS, overridable by the options.

/** The first non-internal IPv4 address, else loopback. */
export function defaultNodeIP(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** kubernetes.io/arch spells x64 as amd64, as Go does. */
export function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

export function machineCapacity(rootDir: string): Record<'cpu' | 'memory' | 'pods' | 'ephemeral-storage', Quantity> {
  let storage = 0;
  try {
    const fs = statfsSync(rootDir);
    storage = fs.blocks * fs.bsize;
  } catch {
    // The root dir may not exist yet; report no storage rather than fail.
  }
  return { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110', 'ephemeral-storage': `${Math.floor(storage / 1024)}Ki` };
}

export function machineInfo(): { os: string; kernelVersion: string; osImage: string; hostname: string } {
  return { os: platform(), kernelVersion: release(), osImage: osType(), hostname: hostname() };
}
