import { readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { run } from './run.js';

// Finding and removing what a private containerd can leave on the host: mounts (rootfs,
// netns bind mounts), shim processes, cgroup directories, the CNI bridge.

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Mount points at or under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountUnder(dir: string): Promise<void> {
  const umount = findBinary('umount');
  for (let pass = 0; pass < 3; pass++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const point of points) await run(umount, ['-l', point]).catch(() => undefined);
  }
}

/** PIDs of processes whose command line passes `value` to `flag`, run by a program named like `program`. */
function processesWith(program: string, flag: string, value: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.includes(program)) continue;
    const at = argv.indexOf(flag);
    if (at >= 0 && argv[at + 1] === value) pids.push(Number(entry));
  }
  return pids;
}

/** PIDs of containerd shims serving the containerd at `socket`. */
export function shimsOf(socket: string): number[] {
  return processesWith('containerd-shim', '-address', socket);
}

/** PIDs of containerd daemons running from `configFile`. */
export function daemonsOf(configFile: string): number[] {
  return processesWith('containerd', '--config', configFile);
}

/** Processes in the cgroup tree `parent` (containers whose shim died), from the pids hierarchy. */
export function processesInCgroup(parent: string): number[] {
  const pids = new Set<number>();
  const roots = ['/sys/fs/cgroup/pids', '/sys/fs/cgroup/memory', '/sys/fs/cgroup'].map((r) => join(r, parent));
  const walk = (d: string): void => {
    try {
      for (const line of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim()) pids.add(Number(line));
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      // not there
    }
  };
  for (const root of roots) walk(root);
  return [...pids];
}

/** Removes `/sys/fs/cgroup/<controller>/<parent>` and everything below it, deepest first. */
export function removeCgroupTree(parent: string): void {
  const root = '/sys/fs/cgroup';
  const hierarchies = [root, ...readdirSync(root).map((c) => join(root, c))];
  for (const hierarchy of hierarchies) {
    const top = join(hierarchy, parent);
    try {
      if (!statSync(top).isDirectory()) continue;
    } catch {
      continue;
    }
    const dirs: string[] = [];
    const walk = (d: string): void => {
      dirs.push(d);
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    };
    walk(top);
    for (const d of dirs.sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(d);
      } catch {
        // still in use or not a cgroup we made: leave it
      }
    }
  }
}

export async function linkExists(name: string): Promise<boolean> {
  try {
    statSync(`/sys/class/net/${name}`);
    return true;
  } catch {
    return false;
  }
}

export async function deleteLink(name: string): Promise<void> {
  if (await linkExists(name)) await run(findBinary('ip'), ['link', 'del', name]);
}

const CNI_CACHE = '/var/lib/cni/results';

/**
 * Removes libcni's cached results for pods of `network` (and their loopback entries): a CNI
 * DEL removes them, but pods of a containerd that died never get one.
 */
export function removeCniCache(network: string): void {
  let entries: string[];
  try {
    entries = readdirSync(CNI_CACHE);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(`${network}-`)) continue;
    const sandboxId = entry.slice(network.length + 1, entry.lastIndexOf('-'));
    rmSync(join(CNI_CACHE, entry), { force: true });
    if (/^[0-9a-f]{64}$/.test(sandboxId)) rmSync(join(CNI_CACHE, `cni-loopback-${sandboxId}-lo`), { force: true });
  }
}
