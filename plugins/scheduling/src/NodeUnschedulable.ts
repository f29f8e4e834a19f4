import { unresolvable, type SchedulerPluginFactory } from '@corral/core/kernel';
import * as names from './names.js';
import { tolerated, UNSCHEDULABLE_TAINT } from './taints.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

/** A cordoned node (spec.unschedulable) takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
export const NodeUnschedulable: SchedulerPluginFactory<void> = {
  name: names.NodeUnschedulable,
  create: () => ({
    filter(pod, node) {
      if (!node.node.spec?.unschedulable || tolerated(pod.spec.tolerations, UNSCHEDULABLE_TAINT)) return undefined;
      return unresolvable(names.NodeUnschedulable, ERR_REASON_UNSCHEDULABLE);
    },
  }),
};
