import { unresolvable, type CycleState, type NodeInfo, type SchedulerPluginFactory } from '@corral/core/kernel';
import type { Pod, Toleration } from '@corral/core/api';
import * as names from './names.js';
import { defaultNormalizeScore } from './normalize.js';
import { tolerated } from './taints.js';

const STATE = `${names.TaintToleration}/preScore`;

/**
 * filter: a node with a NoSchedule or NoExecute taint the pod does not tolerate is refused.
 * score: fewer untolerated PreferNoSchedule taints rank higher (reversed normalization).
 */
export const TaintToleration: SchedulerPluginFactory<void> = {
  name: names.TaintToleration,
  create: () => ({
    filter(pod, node) {
      const taints = node.node.spec?.taints;
      if (!taints || taints.length === 0) return undefined;
      for (const taint of taints) {
        if ((taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerated(pod.spec.tolerations, taint)) {
          return unresolvable(names.TaintToleration, `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
        }
      }
      return undefined;
    },
    preScore(pod: Pod, nodes: readonly NodeInfo[], state: CycleState) {
      // Without a PreferNoSchedule taint anywhere every node scores the same: nothing to rank.
      if (!nodes.some((n) => n.node.spec?.taints?.some((t) => t.effect === 'PreferNoSchedule'))) return { code: 'Skip' };
      const preferred = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      state.write(STATE, preferred);
      return undefined;
    },
    score(_pod, node, state) {
      const preferred = state.read<Toleration[]>(STATE) ?? [];
      let count = 0;
      for (const taint of node.node.spec?.taints ?? []) if (taint.effect === 'PreferNoSchedule' && !tolerated(preferred, taint)) count++;
      return count;
    },
    normalizeScore(scores) {
      defaultNormalizeScore(scores, true);
    },
  }),
};
