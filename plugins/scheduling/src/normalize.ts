import { MAX_NODE_SCORE, type NodeScore } from '@corral/core/kernel';

/**
 * kube-scheduler's DefaultNormalizeScore: scales scores so the highest becomes 100 (integer
 * division, as in Go); `reverse` flips them, so the lowest raw score ranks best. All zeros
 * stay 0, or become 100 when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE;
    return;
  }
  for (const s of scores) {
    const scaled = Math.floor((MAX_NODE_SCORE * s.score) / max);
    s.score = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}
