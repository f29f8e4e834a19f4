// @corral/plugin-node-lifecycle: node heartbeats, NotReady/Unreachable taints and eviction of a
// lost node's Pods.
export { plugin, PLUGIN_NAME } from './NodeLifecyclePlugin.js';
export type { NodeLifecyclePluginOptions } from './NodeLifecyclePlugin.js';
export { nodeLifecycleController, syncNode, EVICTION_REASON, ORPHANED_POD_REASON, LEASE_KIND, NODE_KIND, NODE_LEASE_NAMESPACE, POD_KIND } from './NodeLifecycleController.js';
export type { DisruptionState, NodeLifecycleSettings } from './NodeLifecycleController.js';
export { clusterHealth, isDisrupted, DEFAULT_UNHEALTHY_THRESHOLD, EVICTIONS_PAUSED_REASON, EVICTIONS_RESUMED_REASON, type ClusterHealth } from './disruption.js';
export {
  lastHeartbeat,
  markedUnknown,
  readyCondition,
  reconciledTaints,
  NODE_STATUS_NEVER_UPDATED,
  NODE_STATUS_UNKNOWN,
  NOT_READY_TAINT_KEY,
  UNREACHABLE_TAINT_KEY,
} from './health.js';
export { evictionTime, toleratesTaint } from './tolerations.js';
