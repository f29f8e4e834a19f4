import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerConfig, PodSandboxConfig } from '@corral/core/kernel';
import { writeFileAtomic } from './files.js';
import type { ProcessRef } from './procs.js';

export interface SandboxRecord {
  readonly id: string;
  readonly config: PodSandboxConfig;
  readonly createdAt: number;
  readonly ready: boolean;
  /** The namespace holder; absent when the pod uses the host's namespaces. */
  readonly holder?: ProcessRef;
}

export interface ContainerRecord {
  readonly id: string;
  readonly sandboxId: string;
  readonly config: ContainerConfig;
  readonly createdAt: number;
  readonly logFile: string;
  readonly workingDir: string;
  /** Joined the pod's namespaces and has a mount namespace of its own. */
  readonly namespaces: boolean;
  readonly hostNetwork: boolean;
  readonly cgroups: readonly string[];
  /** Mount points or symlinks this adapter created for it (released on removal). */
  readonly mountPoints: readonly string[];
  readonly shim?: ProcessRef;
  /** The container's main process (its process group leader). */
  readonly main?: ProcessRef;
  readonly startedAt?: number;
  readonly exit?: { readonly exitCode: number; readonly finishedAt: number; readonly reason?: string };
}

/**
 * The adapter's records on disk, one directory per sandbox and per container, each with one
 * JSON file written atomically, and a cache of them. A new adapter loads them all, so an agent
 * restart finds everything it ran.
 */
export class StateStore {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord>();

  constructor(readonly root: string) {}

  sandboxDir(id: string): string {
    return join(this.root, 'sandboxes', id);
  }

  containerDir(id: string): string {
    return join(this.root, 'containers', id);
  }

  async load(warn: (message: string) => void): Promise<void> {
    await mkdir(join(this.root, 'sandboxes'), { recursive: true });
    await mkdir(join(this.root, 'containers'), { recursive: true });
    for (const [kind, file] of [['sandboxes', 'sandbox.json'], ['containers', 'container.json']] as const) {
      for (const id of await readdir(join(this.root, kind))) {
        const path = join(this.root, kind, id, file);
        const text = await readFile(path, 'utf8').catch(() => undefined);
        if (text === undefined) continue; // created but never recorded: nothing ran
        try {
          const record = JSON.parse(text);
          if (kind === 'sandboxes') this.sandboxes.set(id, record as SandboxRecord);
          else this.containers.set(id, record as ContainerRecord);
        } catch (err) {
          warn(`runtime-process: ignoring ${path}: ${(err as Error).message}`);
        }
      }
    }
  }

  async putSandbox(record: SandboxRecord): Promise<void> {
    await writeFileAtomic(join(this.sandboxDir(record.id), 'sandbox.json'), JSON.stringify(record));
    this.sandboxes.set(record.id, record);
  }

  async putContainer(record: ContainerRecord): Promise<void> {
    await writeFileAtomic(join(this.containerDir(record.id), 'container.json'), JSON.stringify(record));
    this.containers.set(record.id, record);
  }

  async dropSandbox(id: string): Promise<void> {
    this.sandboxes.delete(id);
    await rm(this.sandboxDir(id), { recursive: true, force: true });
  }

  async dropContainer(id: string): Promise<void> {
    this.containers.delete(id);
    await rm(this.containerDir(id), { recursive: true, force: true });
  }
}
