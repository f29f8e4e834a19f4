import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerConfig } from '@corral/core/kernel';
import { delay, signal } from './procs.js';

type Controller = 'memory' | 'cpu' | 'pids';
const CONTROLLERS: readonly Controller[] = ['memory', 'cpu', 'pids'];
const TREE = 'corral-process';

/** Where the adapter may create cgroups, found once at start. */
export type CgroupProbe =
  | { readonly kind: 'v2'; readonly base: string }
  | { readonly kind: 'v1'; readonly bases: Readonly<Partial<Record<Controller, string>>> }
  | { readonly kind: 'none'; readonly reason: string };

export type Resources = NonNullable<ContainerConfig['resources']>;

interface MountedHierarchy {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly superOptions: readonly string[];
}

function parseMountInfo(text: string): MountedHierarchy[] {
  const out: MountedHierarchy[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4];
    const [fsType, , options] = right.split(' ');
    if (mountPoint && (fsType === 'cgroup' || fsType === 'cgroup2')) {
      out.push({ mountPoint: mountPoint.replace(/\\040/g, ' '), fsType, superOptions: (options ?? '').split(',') });
    }
  }
  return out;
}

/** Our own cgroup per controller (`''` for the unified hierarchy), from /proc/self/cgroup. */
function parseOwnCgroups(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const controller of match[1]!.split(',')) own.set(controller, match[2]!);
  }
  return own;
}

async function writable(dir: string): Promise<boolean> {
  return mkdir(dir, { recursive: true }).then(() => true, () => false);
}

/**
 * Finds a cgroup hierarchy to put containers in, below this process's own cgroup (so that the
 * limits the agent itself lives under still apply): v2 when its controllers are available, else
 * the v1 memory/cpu/pids hierarchies that are writable, else none, with the reason.
 */
export async function probeCgroups(): Promise<CgroupProbe> {
  const [mountInfo, ownText] = await Promise.all([
    readFile('/proc/self/mountinfo', 'utf8').catch(() => ''),
    readFile('/proc/self/cgroup', 'utf8').catch(() => ''),
  ]);
  const mounts = parseMountInfo(mountInfo);
  const own = parseOwnCgroups(ownText);
  const problems: string[] = [];

  const unified = mounts.find((m) => m.fsType === 'cgroup2');
  if (unified) {
    const available = (await readFile(join(unified.mountPoint, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
    const usable = CONTROLLERS.filter((c) => available.includes(c));
    if (usable.length > 0) {
      const parent = join(unified.mountPoint, own.get('') ?? '/');
      const enable = usable.map((c) => `+${c}`).join(' ');
      const base = join(parent, TREE);
      try {
        await writeFile(join(parent, 'cgroup.subtree_control'), enable);
        await mkdir(base, { recursive: true });
        await writeFile(join(base, 'cgroup.subtree_control'), enable);
        return { kind: 'v2', base };
      } catch (err) {
        problems.push(`cgroup v2 at ${parent} does not let us enable ${enable} (${(err as Error).message})`);
      }
    } else {
      problems.push(`cgroup v2 at ${unified.mountPoint} offers none of memory, cpu, pids`);
    }
  }

  const bases: Partial<Record<Controller, string>> = {};
  for (const controller of CONTROLLERS) {
    const hierarchy = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
    if (!hierarchy) continue;
    const base = join(hierarchy.mountPoint, own.get(controller) ?? '/', TREE);
    if (await writable(base)) bases[controller] = base;
    else problems.push(`the v1 ${controller} cgroup at ${base} is not writable`);
  }
  if (Object.keys(bases).length > 0) return { kind: 'v1', bases };
  if (!unified && !mounts.some((m) => m.fsType === 'cgroup')) problems.push('no cgroup filesystem is mounted');
  return { kind: 'none', reason: problems.join('; ') || 'no usable cgroup hierarchy' };
}

/** The file contents that enforce `resources`, per controller, for one cgroup version. */
export function limitFiles(kind: 'v1' | 'v2', resources: Resources | undefined): Partial<Record<Controller, [string, string][]>> {
  const files: Partial<Record<Controller, [string, string][]>> = {};
  if (!resources) return files;
  const { cpuLimitMillis, cpuRequestMillis, memoryLimitBytes, pidsLimit } = resources;
  const period = 100_000;
  if (memoryLimitBytes !== undefined) {
    files.memory = [[kind === 'v2' ? 'memory.max' : 'memory.limit_in_bytes', String(Math.floor(memoryLimitBytes))]];
  }
  const cpu: [string, string][] = [];
  if (cpuRequestMillis !== undefined) {
    const shares = Math.max(2, Math.floor((cpuRequestMillis * 1024) / 1000));
    if (kind === 'v2') cpu.push(['cpu.weight', String(Math.min(10_000, 1 + Math.floor(((shares - 2) * 9999) / 262_142)))]);
    else cpu.push(['cpu.shares', String(shares)]);
  }
  if (cpuLimitMillis !== undefined) {
    const quota = Math.max(1000, Math.floor((cpuLimitMillis * period) / 1000));
    if (kind === 'v2') cpu.push(['cpu.max', `${quota} ${period}`]);
    else cpu.push(['cpu.cfs_period_us', String(period)], ['cpu.cfs_quota_us', String(quota)]);
  }
  if (cpu.length > 0) files.cpu = cpu;
  if (pidsLimit !== undefined) files.pids = [['pids.max', String(Math.floor(pidsLimit))]];
  return files;
}

/** The cgroups of pods and containers under the probed hierarchy. */
export class Cgroups {
  constructor(readonly probe: CgroupProbe) {}

  private podDirs(podId: string): string[] {
    const { probe } = this;
    if (probe.kind === 'v2') return [join(probe.base, `pod-${podId}`)];
    if (probe.kind === 'v1') return [...new Set(Object.values(probe.bases).map((b) => join(b, `pod-${podId}`)))];
    return [];
  }

  /** Creates the container's cgroups with its limits; returns their directories. */
  async create(podId: string, containerId: string, resources: Resources | undefined): Promise<string[]> {
    const { probe } = this;
    if (probe.kind === 'none') return [];
    if (probe.kind === 'v2') {
      const pod = join(probe.base, `pod-${podId}`);
      await mkdir(pod, { recursive: true });
      const enabled = (await readFile(join(probe.base, 'cgroup.subtree_control'), 'utf8')).trim().split(/\s+/).filter(Boolean);
      if (enabled.length > 0) await writeFile(join(pod, 'cgroup.subtree_control'), enabled.map((c) => `+${c}`).join(' '));
      const dir = join(pod, containerId);
      await mkdir(dir, { recursive: true });
      for (const entries of Object.values(limitFiles('v2', resources))) {
        for (const [file, value] of entries) await writeFile(join(dir, file), value);
      }
      return [dir];
    }
    const files = limitFiles('v1', resources);
    const dirs = new Map<string, [string, string][]>();
    for (const [controller, base] of Object.entries(probe.bases) as [Controller, string][]) {
      const dir = join(base, `pod-${podId}`, containerId);
      dirs.set(dir, [...(dirs.get(dir) ?? []), ...(files[controller] ?? [])]);
    }
    for (const [dir, entries] of dirs) {
      await mkdir(dir, { recursive: true });
      for (const [file, value] of entries) await writeFile(join(dir, file), value);
    }
    return [...dirs.keys()];
  }

  /** KILLs every process left in these cgroups (ones that left the container's process group too). */
  async killAll(dirs: readonly string[]): Promise<number> {
    let killed = 0;
    for (const dir of dirs) {
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const pid of procs.split('\n').filter(Boolean).map(Number)) {
        signal(pid, 'SIGKILL');
        killed++;
      }
    }
    return killed;
  }

  /** Removes the container's cgroups once their processes are gone. */
  async remove(dirs: readonly string[]): Promise<void> {
    for (const dir of dirs) await rmdirPatiently(dir, () => this.killAll([dir]));
  }

  async removePod(podId: string): Promise<void> {
    for (const dir of this.podDirs(podId)) await rmdirPatiently(dir, async () => 0);
  }
}

/** rmdir of a cgroup fails with EBUSY while dying processes are still in it: retry for a while. */
async function rmdirPatiently(dir: string, beforeRetry: () => Promise<number>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (attempt >= 100 || (code !== 'EBUSY' && code !== 'ENOTEMPTY')) {
        throw new Error(`runtime-process: cannot remove cgroup ${dir}: ${(err as Error).message}`);
      }
      await beforeRetry();
      await delay(20);
    }
  }
}
