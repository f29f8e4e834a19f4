import {
  CycleState,
  SCHEDULER_HANDLE_KEY,
  SchedulerCache,
  realClock,
  withNodeName,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type SchedulerHandle,
  type SchedulerPlugin,
  type SchedulerProfile,
} from '@corral/core';
import { schedulerPlugins } from '@corral/plugin-scheduling';

// The baseline: no queue, no sampling, no reuse, no hooks. For every pod, every enabled plugin
// function of the profile is called directly on every node: preFilter, filter on all nodes,
// preScore, score + normalize on all feasible nodes, weighted sum, best node. The placement is
// recorded in the same SchedulerCache the scheduler uses, so both see the same NodeInfos.

interface Named {
  readonly name: string;
  readonly plugin: SchedulerPlugin;
  readonly weight: number;
}

export class NaiveScheduler {
  readonly cache = new SchedulerCache(realClock, 0);
  private readonly preFilters: Named[];
  private readonly filters: Named[];
  private readonly preScores: Named[];
  private readonly scores: Named[];
  private readonly handle: SchedulerHandle;

  constructor(profile: SchedulerProfile) {
    // One instance per plugin, created like the kernel does (args validated, defaults applied).
    const instances = new Map<string, SchedulerPlugin>();
    const get = (name: string): SchedulerPlugin => {
      let p = instances.get(name);
      if (!p) {
        const factory = schedulerPlugins.find((f) => f.name === name);
        if (!factory) throw new Error(`the naive baseline knows no scheduler plugin "${name}"`);
        const args = factory.args ? factory.args.validate({}).value : undefined;
        instances.set(name, (p = factory.create(args, { profileName: profile.name })));
      }
      return p;
    };
    const at = (point: 'preFilter' | 'filter' | 'preScore' | 'score') => profile.enabled[point].map((e) => ({ name: e.name, plugin: get(e.name), weight: e.weight ?? 1 }));
    this.preFilters = at('preFilter');
    this.filters = at('filter');
    this.preScores = at('preScore');
    this.scores = at('score');
    const cache = this.cache;
    this.handle = {
      get nodes() {
        return cache.nodeList();
      },
      nodeInfo: (name) => cache.nodeInfo(name),
      services: (ns) => cache.services(ns),
      controllerPlacement: (uid) => cache.controllerPlacement(uid),
      bind: async () => {},
      waitingPod: () => undefined,
    };
  }

  /** Places one pod; returns the node's name, or undefined when none fits. */
  schedule(pod: Pod): string | undefined {
    const state = new CycleState();
    state.write(SCHEDULER_HANDLE_KEY, this.handle);
    const skipFilter = new Set<string>();
    for (const p of this.preFilters) {
      const status = p.plugin.preFilter!(pod, state);
      if (status?.code === 'Skip') skipFilter.add(p.name);
      else if (status && status.code !== 'Success') return undefined;
    }
    const feasible: NodeInfo[] = [];
    for (const node of this.cache.nodeList()) {
      let fits = true;
      for (const f of this.filters) {
        if (skipFilter.has(f.name)) continue;
        if (f.plugin.filter!(pod, node, state) !== undefined) {
          fits = false;
          break;
        }
      }
      if (fits) feasible.push(node);
    }
    if (feasible.length === 0) return undefined;
    const skipScore = new Set<string>();
    for (const p of this.preScores) if (p.plugin.preScore!(pod, feasible, state)?.code === 'Skip') skipScore.add(p.name);
    const totals = new Float64Array(feasible.length);
    for (const s of this.scores) {
      if (skipScore.has(s.name)) continue;
      const list: NodeScore[] = feasible.map((n) => ({ name: n.name, score: s.plugin.score!(pod, n, state) }));
      s.plugin.normalizeScore?.(list, pod, state);
      for (let i = 0; i < list.length; i++) totals[i]! += list[i]!.score * s.weight;
    }
    let best = 0;
    for (let i = 1; i < totals.length; i++) if (totals[i]! > totals[best]!) best = i;
    const nodeName = feasible[best]!.name;
    this.cache.addPod(withNodeName(pod, nodeName));
    return nodeName;
  }
}
