// @corral/plugin-scheduling: kube-scheduler's default framework plugins, registered by name
// (listed in core's default-config.yaml, enabled by the default scheduler profile).
export { plugin, PLUGIN_NAME, schedulerPlugins } from './SchedulingPlugin.js';
export * as pluginNames from './names.js';
export { PrioritySort } from './PrioritySort.js';
export { DefaultBinder } from './DefaultBinder.js';
export { NodeName, ERR_REASON_NODE_NAME } from './NodeName.js';
export { NodeUnschedulable, ERR_REASON_UNSCHEDULABLE } from './NodeUnschedulable.js';
export { TaintToleration } from './TaintToleration.js';
export { NodeAffinity, ERR_REASON_AFFINITY } from './NodeAffinity.js';
export { NodeResourcesFit, insufficient, leastAllocated, mostAllocated } from './NodeResourcesFit.js';
export type { NodeResourcesFitArgs, ResourceWeight } from './NodeResourcesFit.js';
export { NodePorts, ERR_REASON_PORTS } from './NodePorts.js';
export { PodTopologySpread, HOSTNAME_LABEL, HOSTNAME_MAX_SKEW, ZONE_LABEL, ZONE_MAX_SKEW } from './PodTopologySpread.js';
export { defaultNormalizeScore } from './normalize.js';
export { compileTerm, compileTerms, requiredNodeMatcher } from './node-selector.js';
export type { NodeMatcher } from './node-selector.js';
export { toleratesTaint, tolerated, UNSCHEDULABLE_TAINT } from './taints.js';
