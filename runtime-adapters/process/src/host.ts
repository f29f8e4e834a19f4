import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { CgroupProbe } from './cgroups.js';

/** The programs the adapter runs, by absolute path (a container's PATH must not change them). */
export interface Tools {
  readonly sh: string;
  readonly perl: string;
  readonly unshare?: string;
  readonly nsenter?: string;
  readonly ip?: string;
  readonly sleep?: string;
  readonly mount?: string;
  readonly script?: string;
}

const PACKAGES: Record<keyof Tools, string> = {
  sh: 'dash',
  perl: 'perl',
  unshare: 'util-linux',
  nsenter: 'util-linux',
  ip: 'iproute2',
  sleep: 'coreutils',
  mount: 'mount',
  script: 'bsdutils',
};

async function which(name: string): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

export async function findTools(): Promise<Tools> {
  const found: Record<string, string | undefined> = {};
  await Promise.all((Object.keys(PACKAGES) as (keyof Tools)[]).map(async (name) => (found[name] = await which(name))));
  const missing = (['sh', 'perl'] as const).filter((n) => !found[n]);
  if (missing.length > 0) {
    throw new Error(`runtime-process: ${missing.map((n) => `${n} (Debian package ${PACKAGES[n]})`).join(', ')} not found in PATH; install it`);
  }
  return found as unknown as Tools;
}

/** What this host lets the adapter do, decided once from facts gathered by the caller. */
export interface HostPlan {
  /** Pods get their own network, IPC and UTS namespaces; containers their own mount namespace. */
  readonly namespaces: boolean;
  /** Limits are written to cgroups. */
  readonly cgroups: boolean;
  /** One sentence per thing that degrades, for a warning at start. */
  readonly warnings: readonly string[];
}

export interface HostFacts {
  readonly uid: number;
  readonly tools: Tools;
  readonly cgroups: CgroupProbe;
  /** The plugin's options: `auto` uses what the host allows, `off` never. */
  readonly namespaces: 'auto' | 'off';
  readonly limits: 'auto' | 'off';
}

/** Decides what to use; pure, so the non-root and no-cgroup fallbacks are testable anywhere. */
export function planHost(facts: HostFacts): HostPlan {
  const warnings: string[] = [];
  const { tools } = facts;
  let namespaces = facts.namespaces === 'auto';
  if (namespaces && facts.uid !== 0) {
    namespaces = false;
    warnings.push('not running as root: pods share the host network, IPC and UTS namespaces (no pod isolation, no netnsPath), and mounts become symlinks at their container path when that path is free');
  } else if (namespaces) {
    const missing = (['unshare', 'nsenter', 'ip', 'sleep', 'mount'] as const).filter((n) => !tools[n]);
    if (missing.length > 0) {
      namespaces = false;
      warnings.push(`${missing.map((n) => `${n} (Debian package ${PACKAGES[n]})`).join(', ')} not found: pods share the host namespaces; install them for pod isolation`);
    }
  }
  let cgroups = facts.limits === 'auto';
  if (cgroups && facts.uid !== 0) {
    cgroups = false;
    warnings.push('not running as root: container resource limits are not enforced');
  } else if (cgroups && facts.cgroups.kind === 'none') {
    cgroups = false;
    warnings.push(`container resource limits are not enforced: ${facts.cgroups.reason}`);
  }
  return { namespaces, cgroups, warnings };
}

export { PACKAGES as TOOL_PACKAGES };
