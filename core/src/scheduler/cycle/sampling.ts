// How many feasible nodes are enough (kube-scheduler's percentageOfNodesToScore): in a big
// cluster, scoring every node costs more than the better placement is worth.

/** Below this many nodes, every node is looked at. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** The adaptive percentage never drops below this. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * The number of feasible nodes after which filtering stops. `percentage` 0 is adaptive:
 * 50% minus 1% per 125 nodes (so 5,000 nodes score 10%), never under 5%; and never fewer than
 * 100 nodes.
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) return numAllNodes;
  let p = Math.trunc(percentage);
  if (p <= 0) {
    p = 50 - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}
