import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Where the daemons and tools the CRI tests need come from, so a missing one fails with the
// Debian package to install rather than an ENOENT.

const PACKAGES: Record<string, string> = {
  containerd: 'containerd',
  ctr: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  runc: 'runc',
  busybox: 'busybox-static',
  tar: 'tar',
  ip: 'iproute2',
  mount: 'mount',
  umount: 'mount',
};

export function findBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  const pkg = PACKAGES[name];
  throw new Error(`${name} not found on PATH${pkg ? `: install Debian's ${pkg} package (bash scripts/setup.sh does)` : ''}`);
}

export const CNI_BIN_DIR = '/usr/lib/cni';

export function checkCniPlugins(binDir: string = CNI_BIN_DIR): void {
  for (const plugin of ['bridge', 'host-local', 'loopback']) {
    try {
      accessSync(join(binDir, plugin), constants.X_OK);
    } catch {
      throw new Error(`the CNI plugin ${plugin} is missing from ${binDir}: install Debian's containernetworking-plugins package`);
    }
  }
}
