import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { nodeIpamController } from './NodeIpamController.js';
import { SubnetAllocator } from './SubnetAllocator.js';

export const PLUGIN_NAME = 'NodeIpamPlugin';

export interface NodeIpamPluginOptions {
  /** The pods' address range, split into one subnet per node. */
  clusterCIDR: string;
  /** The prefix length of each node's subnet. */
  nodeMaskSize: number;
}

/** Registers the node IPAM controller (server roles). */
export const plugin: CorralPlugin<NodeIpamPluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: Joi.object<NodeIpamPluginOptions>({
    clusterCIDR: Joi.string()
      .pattern(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/)
      .default('10.244.0.0/16'),
    nodeMaskSize: Joi.number().integer().min(8).max(30).default(24),
  }),
  apply(corral, options) {
    const allocator = new SubnetAllocator(options.clusterCIDR, options.nodeMaskSize);
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => registry.add(nodeIpamController(allocator)));
  },
};
