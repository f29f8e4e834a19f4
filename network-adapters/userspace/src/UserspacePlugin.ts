import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { UserspaceProxy, type UserspaceOptions } from './UserspaceProxy.js';

export const PLUGIN_NAME = 'UserspaceProxyPlugin';
export const DATA_PATH = 'userspace';

export interface UserspacePluginOptions {
  /** The dummy interface for ClusterIPs; default "corral-svc"; "" to manage none. */
  serviceInterface?: string;
  nodePortAddresses?: string[];
  connectTimeoutMs?: number;
  maxConnectAttempts?: number;
  udpIdleTimeoutMs?: number;
}

const optionsSchema = Joi.object<UserspacePluginOptions>({
  serviceInterface: Joi.string().allow('').max(15).pattern(/^[A-Za-z0-9_.-]*$/),
  nodePortAddresses: Joi.array().items(Joi.string().ip()),
  connectTimeoutMs: Joi.number().integer().min(1),
  maxConnectAttempts: Joi.number().integer().min(1),
  udpIdleTimeoutMs: Joi.number().integer().min(1),
});

export function userspaceOptions(options: UserspacePluginOptions = {}, root = process.getuid?.() === 0): UserspaceOptions {
  const serviceInterface = options.serviceInterface ?? (root ? 'corral-svc' : '');
  return {
    ...(serviceInterface ? { serviceInterface } : {}),
    // Without root there is no interface for ClusterIPs (unless one was named): NodePorts only.
    clusterIPs: root || options.serviceInterface !== undefined,
    nodePortAddresses: options.nodePortAddresses ?? ['0.0.0.0'],
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    maxConnectAttempts: options.maxConnectAttempts ?? 4,
    udpIdleTimeoutMs: options.udpIdleTimeoutMs ?? 30_000,
  };
}

/** Offers the `userspace` service data path (agent.network.services: userspace). */
export const plugin: CorralPlugin<UserspacePluginOptions | undefined> = {
  name: PLUGIN_NAME,
  options: optionsSchema,
  roles: ['agent', 'all'],
  apply(corral, options) {
    corral.hooks.proxyDataPath.for(DATA_PATH).tap(PLUGIN_NAME, () => {
      const resolved = userspaceOptions(options);
      if (!resolved.clusterIPs) process.stderr.write('userspace proxy: not running as root, so Services answer on their NodePorts only (ClusterIPs need an interface of their own)\n');
      return new UserspaceProxy(resolved);
    });
  },
};
