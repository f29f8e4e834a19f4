import { resolve } from 'node:path';
import type { Node } from '../api/types.js';
import type { Corral } from '../kernel/Corral.js';
import { namedHookKeys } from '../kernel/hook-maps.js';
import type { PodNetwork } from '../kernel/contracts/network.js';
import { Agent } from './Agent.js';
import type { AgentOptions } from './types.js';

// An agent wired from a booted Corral: the runtime and pod network its plugins offer under the
// names the config (or the command line) gives, and the container life-cycle hooks.

export class AgentSetupError extends Error {
  override readonly name = 'AgentSetupError';
}

export interface AgentFromCorralOptions extends Omit<AgentOptions, 'runtime' | 'podNetwork' | 'hooks'> {
  /** The runtime's name; default the config's agent.runtime, else "process". */
  runtime?: string;
  /** The pod network's name; default the config's agent.network.pods, else none (pods on the host's network). */
  network?: string;
}

/** `/var/lib/corral/agent` as root, else `.corral/agent` under the working directory. */
export function defaultAgentRootDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/corral/agent' : resolve('.corral/agent');
}

function offered(map: object & { get(key: string): { isUsed(): boolean } | undefined }): string {
  return namedHookKeys(map).filter((k) => map.get(k)?.isUsed()).join(', ') || 'none';
}

export async function startAgentFor(corral: Corral, options: AgentFromCorralOptions): Promise<Agent> {
  const runtimeName = options.runtime ?? corral.config.agent.runtime ?? 'process';
  const runtimeHook = corral.hooks.runtimeAdapter.get(runtimeName);
  const ctx = { nodeName: options.nodeName, rootDir: options.rootDir };
  const runtime = runtimeHook?.isUsed() ? runtimeHook.call(ctx) : undefined;
  if (!runtime) {
    throw new AgentSetupError(
      `no plugin offers the runtime "${runtimeName}" (offered: ${offered(corral.hooks.runtimeAdapter)}); add its plugin to the config's plugins (e.g. "@corral/runtime-${runtimeName}") or choose another with --runtime`,
    );
  }
  // "none": no pod network (pods use the node's).
  let networkName = options.network ?? corral.config.agent.network?.pods;
  if (networkName === 'none') networkName = undefined;
  if (networkName && process.getuid?.() !== 0) {
    // Namespaces, bridges and routes need root: without it pods share the node's network.
    options.logger?.warn(`not running as root: the pod network "${networkName}" is off and pods use the node's network (run as root for a network namespace and an IP per pod)`);
    networkName = undefined;
  }
  let podNetwork: PodNetwork | undefined;
  if (networkName) {
    const hook = corral.hooks.podNetwork.get(networkName);
    const nodeSubnet = async (): Promise<string | undefined> => {
      try {
        return (await options.client.get<Node>({ group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' }, options.nodeName)).spec?.podCIDR;
      } catch {
        return undefined;
      }
    };
    const podCIDR = await nodeSubnet();
    const podCIDRSource = async (): Promise<string> => {
      for (let waited = 0; ; waited += 500) {
        const cidr = await nodeSubnet();
        if (cidr) return cidr;
        if (waited === 30_000) options.logger?.warn(`node ${options.nodeName} still has no spec.podCIDR: is @corral/plugin-node-ipam in the server's config?`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    podNetwork = hook?.isUsed() ? hook.call({ nodeName: options.nodeName, podCIDR, podCIDRSource, rootDir: options.rootDir }) : undefined;
    if (!podNetwork) {
      await runtime.close();
      throw new AgentSetupError(`no plugin offers the pod network "${networkName}" (offered: ${offered(corral.hooks.podNetwork)}); add its plugin to the config's plugins`);
    }
  }
  // The config's periods, under what the caller gives (tests).
  const timing = { ...corral.config.agent.timing, ...options.timing };
  return Agent.start({ ...options, timing, runtime, podNetwork, hooks: corral.hooks });
}
