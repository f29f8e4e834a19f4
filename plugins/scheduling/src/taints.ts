import type { Taint } from '@corral/core/api';

// Toleration matching is core's (the node lifecycle controller reads taints the same way).
export { toleratesTaint, tolerated } from '@corral/core/api';

/** The taint a cordoned node (spec.unschedulable) implies. */
export const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
