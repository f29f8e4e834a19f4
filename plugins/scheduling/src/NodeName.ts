import { unresolvable, type SchedulerPluginFactory } from '@corral/core/kernel';
import * as names from './names.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod that names a node (spec.nodeName) fits only that node. */
export const NodeName: SchedulerPluginFactory<void> = {
  name: names.NodeName,
  create: () => ({
    filter(pod, node) {
      const wanted = pod.spec.nodeName;
      return !wanted || wanted === node.name ? undefined : unresolvable(names.NodeName, ERR_REASON_NODE_NAME);
    },
  }),
};
