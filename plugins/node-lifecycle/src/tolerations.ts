// When a pod on a node with NoExecute taints must go (Kubernetes' taint manager): at once
// after a grace when it tolerates none of them, after its tolerationSeconds when it does, and
// never when a toleration has no tolerationSeconds.
import { toleratesTaint, type Pod, type Taint } from '@corral/core/api';

export { toleratesTaint };

/**
 * The time (ms since the epoch) at which `pod` is to be evicted because of the node's NoExecute
 * `taints`, or Infinity when it tolerates them for good. Each taint counts from its timeAdded
 * (else `fallbackAddedMs`); a taint the pod does not tolerate allows `defaultSeconds`.
 */
export function evictionTime(pod: Pod, taints: readonly Taint[], defaultSeconds: number, fallbackAddedMs: number): number {
  let at = Infinity;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const since = Number.isFinite(added) ? added : fallbackAddedMs;
    const matching = (pod.spec.tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    let seconds: number;
    if (matching.length === 0) seconds = defaultSeconds;
    else {
      // The shortest bounded toleration wins; one without a bound tolerates for good.
      const bounded = matching.map((t) => t.tolerationSeconds);
      seconds = bounded.some((s) => s === undefined) ? Infinity : Math.max(0, Math.min(...(bounded as number[])));
    }
    at = Math.min(at, since + seconds * 1000);
  }
  return at;
}
