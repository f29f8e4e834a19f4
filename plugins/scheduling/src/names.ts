// The scheduler plugins' names: what profiles in the config enable, and every status's `plugin`.
export const PrioritySort = 'PrioritySort';
export const DefaultBinder = 'DefaultBinder';
export const NodeName = 'NodeName';
export const NodeUnschedulable = 'NodeUnschedulable';
export const TaintToleration = 'TaintToleration';
export const NodeAffinity = 'NodeAffinity';
export const NodeResourcesFit = 'NodeResourcesFit';
export const NodePorts = 'NodePorts';
export const PodTopologySpread = 'PodTopologySpread';
