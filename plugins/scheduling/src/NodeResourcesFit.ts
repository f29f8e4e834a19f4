import Joi from 'joi';
import { MAX_NODE_SCORE, unschedulable, type NodeInfo, type SchedulerPluginFactory } from '@corral/core/kernel';
import { podResources, type PodResources } from '@corral/core/scheduler';
import * as names from './names.js';

export interface ResourceWeight {
  readonly name: string;
  readonly weight: number;
}

export interface NodeResourcesFitArgs {
  /** Extended resources the filter does not check. */
  readonly ignoredResources: readonly string[];
  readonly scoringStrategy: {
    /** LeastAllocated spreads load (the default); MostAllocated packs nodes ("binpack"). */
    readonly type: 'LeastAllocated' | 'MostAllocated';
    readonly resources: readonly ResourceWeight[];
  };
}

const argsSchema = Joi.object<NodeResourcesFitArgs>({
  ignoredResources: Joi.array().items(Joi.string()).default([]),
  scoringStrategy: Joi.object({
    type: Joi.string().valid('LeastAllocated', 'MostAllocated').default('LeastAllocated'),
    resources: Joi.array()
      .items(Joi.object({ name: Joi.string().required(), weight: Joi.number().integer().min(1).max(100).default(1) }))
      .min(1)
      .default([
        { name: 'cpu', weight: 1 },
        { name: 'memory', weight: 1 },
      ]),
  }).default(),
});

const STATE = `${names.NodeResourcesFit}/preFilter`;

/**
 * filter: the pod's requests (containers summed, raised to the largest init container) must fit
 * in allocatable minus what the node's pods request, and the node must take one more pod.
 * score: LeastAllocated or MostAllocated over the configured resources, weighted; CPU and memory
 * count a container without requests as 100m / 200Mi, so empty pods still spread or pack.
 */
export const NodeResourcesFit: SchedulerPluginFactory<NodeResourcesFitArgs> = {
  name: names.NodeResourcesFit,
  args: argsSchema,
  create: (args) => {
    const ignored = new Set(args.ignoredResources);
    const strategy = args.scoringStrategy.type === 'MostAllocated' ? mostAllocated : leastAllocated;
    const resources = args.scoringStrategy.resources;
    return {
      preFilter(pod, state) {
        state.write(STATE, podResources(pod));
        return undefined;
      },
      filter(pod, node, state) {
        const reasons = insufficient(state.read<PodResources>(STATE) ?? podResources(pod), node, ignored);
        return reasons ? unschedulable(names.NodeResourcesFit, ...reasons) : undefined;
      },
      score(pod, node, state) {
        const r = state.read<PodResources>(STATE) ?? podResources(pod);
        let total = 0;
        let weights = 0;
        for (const { name, weight } of resources) {
          const score = resourceScore(name, r, node, strategy);
          if (score === undefined) continue;
          total += score * weight;
          weights += weight;
        }
        return weights === 0 ? 0 : Math.floor(total / weights);
      },
    };
  },
};

/** Why the pod does not fit the node, or undefined when it does. */
export function insufficient(r: PodResources, node: NodeInfo, ignored: ReadonlySet<string> = new Set()): string[] | undefined {
  let reasons: string[] | undefined;
  const add = (reason: string) => (reasons ??= []).push(reason);
  if (node.pods.length + 1 > node.allowedPodNumber) add('Too many pods');
  const want = r.requests;
  const free = node.allocatable;
  const used = node.requested;
  if (want.milliCpu > 0 && want.milliCpu > free.milliCpu - used.milliCpu) add('Insufficient cpu');
  if (want.memory > 0 && want.memory > free.memory - used.memory) add('Insufficient memory');
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > free.ephemeralStorage - used.ephemeralStorage) add('Insufficient ephemeral-storage');
  for (const [name, amount] of want.scalar) {
    if (amount > 0 && !ignored.has(name) && amount > (free.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) add(`Insufficient ${name}`);
  }
  return reasons;
}

/** One resource's score for the node with the pod on it; undefined when the resource is not scored for this pod. */
function resourceScore(name: string, r: PodResources, node: NodeInfo, strategy: (requested: number, allocatable: number) => number): number | undefined {
  switch (name) {
    case 'cpu':
      return strategy(node.nonZeroRequested.milliCpu + r.nonZero.milliCpu, node.allocatable.milliCpu);
    case 'memory':
      return strategy(node.nonZeroRequested.memory + r.nonZero.memory, node.allocatable.memory);
    case 'ephemeral-storage':
      return strategy(node.requested.ephemeralStorage + r.requests.ephemeralStorage, node.allocatable.ephemeralStorage);
    default: {
      // An extended resource the pod does not ask for says nothing about this pod's fit.
      const want = r.requests.scalar.get(name) ?? 0;
      if (want === 0) return undefined;
      return strategy((node.requested.scalar.get(name) ?? 0) + want, node.allocatable.scalar.get(name) ?? 0);
    }
  }
}

/** Free share after placing the pod, 0..100. */
export function leastAllocated(requested: number, allocatable: number): number {
  if (allocatable === 0 || requested > allocatable) return 0;
  return Math.floor(((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
}

/** Used share after placing the pod, 0..100. */
export function mostAllocated(requested: number, allocatable: number): number {
  if (allocatable === 0) return 0;
  return Math.floor((Math.min(requested, allocatable) * MAX_NODE_SCORE) / allocatable);
}
