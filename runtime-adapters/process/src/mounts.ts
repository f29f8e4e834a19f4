import { lstat, mkdir, readlink, rmdir, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import type { ContainerConfig } from '@corral/core/kernel';

type Mount = ContainerConfig['mounts'][number];

/**
 * How a process container sees its volumes. The container has the host's file system, so:
 * - as root, it runs in a mount namespace of its own (propagation `slave`, so unmounts on the
 *   host reach it) in which each mount's hostPath is bind-mounted on its containerPath. A
 *   containerPath missing on the host is created there as an empty mount point (a directory,
 *   or an empty file for a file hostPath) and removed when no container uses it any more;
 *   the bind itself is seen only inside the container.
 * - without root, a free containerPath becomes a symlink to the hostPath (removed with the
 *   container); a path that exists as anything else is refused.
 * containerPath must be absolute.
 */
export const MOUNT_SCRIPT = [
  'wd=$1; n=$2; shift 2',
  'while [ "$n" -gt 0 ]; do',
  // util-linux's mount (2.27 and later) binds and remounts read-only in one run.
  '  "$CORRAL_MOUNT" --bind -o "$3" -- "$1" "$2" || exit 126',
  '  shift 3; n=$((n - 1))',
  'done',
  'cd "$wd" || { echo "corral: working directory $wd: not found" >&2; exit 126; }',
  // Tells startContainer the command is about to run in its final namespaces and directory.
  ': > "$CORRAL_READY"',
  'unset CORRAL_MOUNT CORRAL_READY',
  'exec "$@"',
].join('\n');

export function checkMounts(mounts: readonly Mount[], where: string): void {
  for (const [i, m] of mounts.entries()) {
    if (!isAbsolute(m.containerPath)) throw new Error(`runtime-process: ${where}: mounts[${i}].containerPath must be absolute, got "${m.containerPath}"`);
    if (!isAbsolute(m.hostPath)) throw new Error(`runtime-process: ${where}: mounts[${i}].hostPath must be absolute, got "${m.hostPath}"`);
  }
}

/** The MOUNT_SCRIPT arguments after the working directory: count, then (source, target, ro|rw). */
export function mountArgs(mounts: readonly Mount[]): string[] {
  return [String(mounts.length), ...mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readonly ? 'ro' : 'rw'])];
}

/** Creates the missing mount points; returns the ones it created (to release later). */
export async function prepareMountPoints(mounts: readonly Mount[]): Promise<string[]> {
  const created: string[] = [];
  for (const m of mounts) {
    const source = await stat(m.hostPath).catch(() => undefined);
    if (!source) throw new Error(`runtime-process: mount source ${m.hostPath} does not exist`);
    if (await lstat(m.containerPath).then(() => true, () => false)) continue;
    await mkdir(dirname(m.containerPath), { recursive: true });
    if (source.isDirectory()) await mkdir(m.containerPath);
    else await writeFile(m.containerPath, '', { flag: 'wx' });
    created.push(m.containerPath);
  }
  return created;
}

/** Without a mount namespace: symlinks at the container paths. */
export async function prepareSymlinks(mounts: readonly Mount[]): Promise<string[]> {
  const created: string[] = [];
  for (const m of mounts) {
    const existing = await readlink(m.containerPath).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : ''));
    if (existing === m.hostPath) continue;
    if (existing !== undefined) {
      throw new Error(`runtime-process: cannot offer ${m.hostPath} at ${m.containerPath} without root: the path exists; use a free path`);
    }
    await mkdir(dirname(m.containerPath), { recursive: true });
    await symlink(m.hostPath, m.containerPath);
    created.push(m.containerPath);
  }
  return created;
}

/** Removes mount points and symlinks this adapter made that no remaining container uses. */
export async function releaseMountPoints(created: readonly string[], stillUsed: ReadonlySet<string>): Promise<void> {
  for (const path of created) {
    if (stillUsed.has(path)) continue;
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    // Never delete content: only an empty directory, an empty file or our symlink.
    if (info.isDirectory()) await rmdir(path).catch(() => undefined);
    else if (info.isSymbolicLink() || (info.isFile() && info.size === 0)) await unlink(path).catch(() => undefined);
  }
}
