import { unresolvable, type SchedulerPluginFactory } from '@corral/core/kernel';
import * as names from './names.js';
import { defaultNormalizeScore } from './normalize.js';
import { compileTerm, requiredNodeMatcher, type NodeMatcher } from './node-selector.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

const REQUIRED = `${names.NodeAffinity}/required`;
const PREFERRED = `${names.NodeAffinity}/preferred`;

interface PreferredTerm {
  readonly weight: number;
  readonly matches: NodeMatcher;
}

/**
 * filter: spec.nodeSelector and the required node affinity (compiled once in preFilter).
 * score: the sum of the weights of the preferred terms a node matches, scaled to 0..100.
 */
export const NodeAffinity: SchedulerPluginFactory<void> = {
  name: names.NodeAffinity,
  create: () => ({
    preFilter(pod, state) {
      const matcher = requiredNodeMatcher(pod);
      if (!matcher) return { code: 'Skip' };
      state.write(REQUIRED, matcher);
      return undefined;
    },
    filter(pod, node, state) {
      const matcher = state.read<NodeMatcher>(REQUIRED) ?? requiredNodeMatcher(pod);
      return !matcher || matcher(node.node) ? undefined : unresolvable(names.NodeAffinity, ERR_REASON_AFFINITY);
    },
    preScore(pod, _nodes, state) {
      const preferred = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      const terms: PreferredTerm[] = preferred.filter((p) => p.weight !== 0).map((p) => ({ weight: p.weight, matches: compileTerm(p.preference) }));
      if (terms.length === 0) return { code: 'Skip' };
      state.write(PREFERRED, terms);
      return undefined;
    },
    score(_pod, node, state) {
      let sum = 0;
      for (const term of state.read<PreferredTerm[]>(PREFERRED) ?? []) if (term.matches(node.node)) sum += term.weight;
      return sum;
    },
    normalizeScore(scores) {
      defaultNormalizeScore(scores, false);
    },
  }),
};
