import type { CorralPlugin, SchedulerPluginFactory } from '@corral/core/kernel';
import { DefaultBinder } from './DefaultBinder.js';
import { NodeAffinity } from './NodeAffinity.js';
import { NodeName } from './NodeName.js';
import { NodePorts } from './NodePorts.js';
import { NodeResourcesFit } from './NodeResourcesFit.js';
import { NodeUnschedulable } from './NodeUnschedulable.js';
import { PodTopologySpread } from './PodTopologySpread.js';
import { PrioritySort } from './PrioritySort.js';
import { TaintToleration } from './TaintToleration.js';

export const PLUGIN_NAME = 'SchedulingPlugin';

/** Every scheduler plugin this package registers. */
export const schedulerPlugins: readonly SchedulerPluginFactory[] = [
  PrioritySort,
  DefaultBinder,
  NodeName,
  NodeUnschedulable,
  TaintToleration,
  NodeAffinity,
  NodeResourcesFit,
  NodePorts,
  PodTopologySpread,
];

/**
 * Registers kube-scheduler's default framework plugins by name; the profiles in the config
 * (core's default-config.yaml for the default one) enable them per extension point.
 */
export const plugin: CorralPlugin<void> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  apply(corral) {
    corral.hooks.registerSchedulerPlugins.tap(PLUGIN_NAME, (registry) => {
      for (const factory of schedulerPlugins) registry.add(factory);
    });
  },
};
