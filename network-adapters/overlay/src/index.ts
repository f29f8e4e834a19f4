// @corral/network-overlay: pod networking across nodes (VXLAN, flannel's design).
export { plugin, PLUGIN_NAME, NETWORK_NAME, VTEP_MAC_ANNOTATION, UNDERLAY_IP_ANNOTATION, peersOf } from './OverlayPlugin.js';
export type { OverlayPluginOptions } from './OverlayPlugin.js';
export { Vxlan, VXLAN_OVERHEAD } from './Vxlan.js';
export type { Peer, VxlanOptions } from './Vxlan.js';
export { parseOffloads, pathOffloads, readOffloads, underlayAdvice, PATH_FEATURES } from './offloads.js';
export type { Offloads } from './offloads.js';
