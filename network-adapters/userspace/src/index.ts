// @corral/network-userspace: the `userspace` service data path (TCP and UDP proxying in the agent).
export { plugin, PLUGIN_NAME, DATA_PATH, userspaceOptions } from './UserspacePlugin.js';
export type { UserspacePluginOptions } from './UserspacePlugin.js';
export { UserspaceProxy } from './UserspaceProxy.js';
export type { UserspaceOptions } from './UserspaceProxy.js';
export { Balancer, backendKey } from './Balancer.js';
