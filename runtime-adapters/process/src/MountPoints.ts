import { lstat, mkdir, readlink, rmdir, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ContainerConfig } from '@corral/core/kernel';
import { KeyedLock } from './KeyedLock.js';

type Mount = ContainerConfig['mounts'][number];

/**
 * The paths on the host this adapter created for containers' mounts (mount points, their
 * missing parent directories, or symlinks without root), each with the containers that need it.
 * Every container whose mount lands on such a path is one of its users, whoever created it, so
 * the path goes when the last of them has ended, not when its creator does: a path removed
 * while another container runs would take that container's bind with it, and one kept for a
 * creator that ended would stay on the host for good once its pod stops with the agent.
 */
export class MountPoints {
  private readonly users = new Map<string, Set<string>>();
  /** Acquire and release run one at a time: two pods on one path must agree on its users. */
  private readonly lock = new KeyedLock();

  /** A container recorded earlier (a new adapter instance) that uses `paths`. */
  adopt(containerId: string, paths: readonly string[]): void {
    for (const path of paths) this.usersOf(path).add(containerId);
  }

  /**
   * Makes what `mounts` need on the host: mount points (`bind`, as root) or symlinks to the
   * host paths (`symlink`). Returns the paths of this adapter that the container now uses.
   */
  acquire(containerId: string, mounts: readonly Mount[], how: 'bind' | 'symlink'): Promise<string[]> {
    return this.lock.run('paths', async () => {
      const used: string[] = [];
      const use = (path: string): void => {
        this.usersOf(path).add(containerId);
        if (!used.includes(path)) used.push(path);
      };
      try {
        for (const m of mounts) {
          for (let dir = dirname(m.containerPath); dir !== dirname(dir); dir = dirname(dir)) if (this.users.has(dir)) use(dir);
          if (how === 'bind') await this.mountPoint(m, use);
          else await this.symlink(m, use);
        }
      } catch (err) {
        await this.releaseLocked(containerId, used);
        throw err;
      }
      return used;
    });
  }

  /** The container ended for good (or was removed): paths no other container uses go. */
  release(containerId: string, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return Promise.resolve();
    return this.lock.run('paths', () => this.releaseLocked(containerId, paths));
  }

  private async releaseLocked(containerId: string, paths: readonly string[]): Promise<void> {
    // Deepest first, so that a parent directory this adapter made is empty when its turn comes.
    for (const path of [...paths].sort((a, b) => b.length - a.length)) {
      const users = this.users.get(path);
      if (!users?.delete(containerId) || users.size > 0) continue;
      this.users.delete(path);
      await removeIfEmpty(path);
    }
  }

  private async mountPoint(m: Mount, use: (path: string) => void): Promise<void> {
    const source = await stat(m.hostPath).catch(() => undefined);
    if (!source) throw new Error(`runtime-process: mount source ${m.hostPath} does not exist`);
    if (this.users.has(m.containerPath)) return use(m.containerPath);
    if (await lstat(m.containerPath).then(() => true, () => false)) return;
    await this.parents(m.containerPath, use);
    if (source.isDirectory()) await mkdir(m.containerPath);
    else await writeFile(m.containerPath, '', { flag: 'wx' });
    use(m.containerPath);
  }

  private async symlink(m: Mount, use: (path: string) => void): Promise<void> {
    const existing = await readlink(m.containerPath).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : ''));
    if (existing === m.hostPath) {
      if (this.users.has(m.containerPath)) use(m.containerPath);
      return;
    }
    if (existing !== undefined) {
      throw new Error(`runtime-process: cannot offer ${m.hostPath} at ${m.containerPath} without root: the path exists; use a free path`);
    }
    await this.parents(m.containerPath, use);
    await symlink(m.hostPath, m.containerPath);
    use(m.containerPath);
  }

  /** Creates the missing parents of `path`, each one a path of this adapter's. */
  private async parents(path: string, use: (path: string) => void): Promise<void> {
    const first = await mkdir(dirname(path), { recursive: true });
    if (first === undefined) return;
    for (let dir = first; ; dir = join(dir, path.slice(dir.length + 1).split('/')[0]!)) {
      use(dir);
      if (dir === dirname(path)) return;
    }
  }

  private usersOf(path: string): Set<string> {
    let users = this.users.get(path);
    if (!users) this.users.set(path, (users = new Set()));
    return users;
  }
}

/** Never deletes content: only an empty directory, an empty file or a symlink. */
async function removeIfEmpty(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) await rmdir(path).catch(() => undefined);
  else if (info.isSymbolicLink() || (info.isFile() && info.size === 0)) await unlink(path).catch(() => undefined);
}
