// @corral/plugin-node-ipam: a pod subnet for every node (spec.podCIDR) from the cluster CIDR.
export { plugin, PLUGIN_NAME } from './NodeIpamPlugin.js';
export type { NodeIpamPluginOptions } from './NodeIpamPlugin.js';
export { nodeIpamController } from './NodeIpamController.js';
export { SubnetAllocator } from './SubnetAllocator.js';
