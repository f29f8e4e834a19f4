import { isAbsolute } from 'node:path';
import type { ContainerConfig } from '@corral/core/kernel';

type Mount = ContainerConfig['mounts'][number];

/**
 * How a process container sees its volumes. The container has the host's file system, so:
 * - as root, it runs in a mount namespace of its own (propagation `slave`, so unmounts on the
 *   host reach it) in which each mount's hostPath is bind-mounted on its containerPath. A
 *   containerPath missing on the host is created there as an empty mount point (a directory,
 *   or an empty file for a file hostPath); the bind itself is seen only inside the container.
 * - without root, a free containerPath becomes a symlink to the hostPath; a path that exists
 *   as anything else is refused.
 * What the adapter creates goes once no container that may still run needs it (MountPoints).
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
