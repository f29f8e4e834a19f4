// @corral/network-bridge: the `bridge` pod network (one node), and containerd's CNI config.
export { plugin, PLUGIN_NAME, NETWORK_NAME } from './BridgePlugin.js';
export type { BridgePluginOptions } from './BridgePlugin.js';
export { BridgeNetwork, podLinkNames } from './BridgeNetwork.js';
export type { BridgeOptions } from './BridgeNetwork.js';
export { cniConfig, writeCniConfig, CNI_CONFIG_FILE, CNI_NETWORK_NAME } from './cni.js';
export type { CniConfigOptions } from './cni.js';
export { Ipam } from './Ipam.js';
export { withNodeSubnet } from './lazy.js';
export { acceptBridgeForwarding, bridgeForwarding, removeBridgeForwarding } from './forward.js';
export { CommandRunner } from './runner.js';
export type { CommandResult } from './runner.js';
