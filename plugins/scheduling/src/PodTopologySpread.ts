import { controllerUid } from '@corral/core/scheduler';
import { MAX_NODE_SCORE, schedulerHandle, type NodeInfo, type SchedulerPluginFactory } from '@corral/core/kernel';
import { selectorFromSet, type Pod, type Selector } from '@corral/core/api';
import * as names from './names.js';
import { requiredNodeMatcher } from './node-selector.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** Kubernetes' system default constraints (ScheduleAnyway): per node, and per zone. */
export const HOSTNAME_MAX_SKEW = 3;
export const ZONE_MAX_SKEW = 5;

const STATE = `${names.PodTopologySpread}/preScore`;

interface SpreadState {
  /** Matching pods on one node. */
  readonly countOn: (node: NodeInfo) => number;
  readonly hostnameWeight: number;
  readonly zone?: { readonly counts: ReadonlyMap<string, number>; readonly weight: number };
}

/**
 * Spreads a workload's replicas (kube-scheduler's PodTopologySpread with its system default
 * constraints, which replaced SelectorSpread): the pod's siblings are the pods with the same
 * controller that the same Services select. A node scores lower the more siblings it and its zone
 * already run; weights follow the number of domains (log(n + 2)), maxSkew - 1 softens small
 * skews. Pods without a controller or a selecting Service are not spread. Every node is its own
 * hostname domain, with or without the kubernetes.io/hostname label.
 */
export const PodTopologySpread: SchedulerPluginFactory<void> = {
  name: names.PodTopologySpread,
  create: () => ({
    preScore(pod, nodes, state) {
      const handle = schedulerHandle(state);
      const namespace = pod.metadata.namespace ?? 'default';
      const owner = controllerUid(pod);
      const selectors = servicesSelecting(pod, handle.services(namespace));
      if (!owner && selectors.length === 0) return { code: 'Skip' };

      const matches = (p: Pod) =>
        (p.metadata.namespace ?? 'default') === namespace &&
        p.metadata.deletionTimestamp === undefined &&
        (owner === undefined || controllerUid(p) === owner) &&
        selectors.every((s) => s.matches(p.metadata.labels));
      const byOwnerOnly = owner !== undefined && selectors.length === 0;
      const countOn = byOwnerOnly
        ? (node: NodeInfo) => node.podsByController.get(owner) ?? 0
        : (node: NodeInfo) => {
            let n = 0;
            for (const p of node.pods) if (matches(p)) n++;
            return n;
          };

      let zone: SpreadState['zone'];
      if (nodes.some((n) => n.node.metadata.labels?.[ZONE_LABEL] !== undefined)) {
        // Domains are the zones of the feasible nodes; siblings count wherever they run, on nodes the pod could use.
        const counts = new Map<string, number>();
        for (const n of nodes) counts.set(n.node.metadata.labels?.[ZONE_LABEL] ?? '', 0);
        const eligible = requiredNodeMatcher(pod);
        const candidates = byOwnerOnly ? [...handle.controllerPlacement(owner).keys()].map((name) => handle.nodeInfo(name)) : handle.nodes;
        for (const n of candidates) {
          if (!n) continue;
          const z = n.node.metadata.labels?.[ZONE_LABEL] ?? '';
          const sofar = counts.get(z);
          if (sofar === undefined || (eligible && !eligible(n.node))) continue;
          counts.set(z, sofar + countOn(n));
        }
        zone = { counts, weight: Math.log(counts.size + 2) };
      }
      state.write(STATE, { countOn, hostnameWeight: Math.log(nodes.length + 2), ...(zone ? { zone } : {}) } satisfies SpreadState);
      return undefined;
    },
    score(_pod, node, state) {
      const s = state.read<SpreadState>(STATE);
      if (!s) return 0;
      let score = s.countOn(node) * s.hostnameWeight + (HOSTNAME_MAX_SKEW - 1);
      const z = node.node.metadata.labels?.[ZONE_LABEL];
      if (s.zone && z !== undefined) score += (s.zone.counts.get(z) ?? 0) * s.zone.weight + (ZONE_MAX_SKEW - 1);
      return Math.round(score);
    },
    normalizeScore(scores) {
      let min = Infinity;
      let max = 0;
      for (const s of scores) {
        min = Math.min(min, s.score);
        max = Math.max(max, s.score);
      }
      for (const s of scores) s.score = max === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max + min - s.score)) / max);
    },
  }),
};

/** The label selectors of the Services that select the pod. */
function servicesSelecting(pod: Pod, services: readonly { spec: { selector?: Record<string, string> } }[]): Selector[] {
  const out: Selector[] = [];
  for (const svc of services) {
    const sel = svc.spec.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    const selector = selectorFromSet(sel);
    if (selector.matches(pod.metadata.labels)) out.push(selector);
  }
  return out;
}
