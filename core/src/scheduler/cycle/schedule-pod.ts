import type { Pod } from '../../api/index.js';
import { CLUSTER_DEPENDENT_KEY, CycleState, type FailureStatus, type SchedulerProfile } from '../../kernel/index.js';
import type { NodeInfoRecord } from '../cache/NodeInfoRecord.js';
import type { EquivalenceClass } from './EquivalenceCache.js';
import { fitErrorMessage, NO_NODES_MESSAGE, statusMessage } from './fit-error.js';
import { numFeasibleNodesToFind } from './sampling.js';

/** The scheduler's state that one cycle reads and advances. */
export interface CycleContext {
  readonly nodes: readonly NodeInfoRecord[];
  readonly percentageOfNodesToScore: number;
  /** Where filtering starts; advanced past the nodes looked at, so every node gets its turn. */
  readonly cursor: { nextStartNodeIndex: number };
  readonly random: () => number;
  /** Present when results may be shared with identical pods. */
  readonly equivalence?: EquivalenceClass;
  readonly counters: { nodesEvaluated: number; filterAnswersReused: number; preFilterReused: number };
}

export type Placement =
  | { readonly kind: 'fit'; readonly nodeName: string }
  | { readonly kind: 'unschedulable'; readonly message: string; readonly statuses: ReadonlyMap<string, FailureStatus> }
  | { readonly kind: 'error'; readonly message: string };

/**
 * The synchronous part of a scheduling cycle, on the cache as it is: preFilter, filter (until
 * enough nodes fit), preScore, score, and the choice of a host. Nothing here awaits, so no event
 * can change the cache halfway. Returns the CycleState the rest of the cycle continues with.
 */
export function schedulePod(profile: SchedulerProfile, pod: Pod, newState: () => CycleState, ctx: CycleContext): { placement: Placement; state: CycleState } {
  const { nodes, counters } = ctx;
  const hooks = profile.hooks;
  const cls = ctx.equivalence;
  let state: CycleState;
  if (cls?.preFiltered) {
    state = cls.preFiltered.clone();
    counters.preFilterReused++;
  } else {
    state = newState();
    if (nodes.length === 0) return { placement: { kind: 'error', message: NO_NODES_MESSAGE }, state };
    const refused = hooks.preFilter.call(pod, state);
    if (refused) {
      if (refused.code === 'Error') return { placement: { kind: 'error', message: `running PreFilter plugin "${refused.plugin}": ${statusMessage(refused)}` }, state };
      const statuses = new Map(nodes.map((n) => [n.name, refused]));
      return { placement: { kind: 'unschedulable', message: fitErrorMessage(nodes.length, [], statusMessage(refused)), statuses }, state };
    }
    if (cls && state.read(CLUSTER_DEPENDENT_KEY) === undefined) cls.preFiltered = state.clone();
  }
  if (nodes.length === 0) return { placement: { kind: 'error', message: NO_NODES_MESSAGE }, state };
  const reuse = cls !== undefined && state.read(CLUSTER_DEPENDENT_KEY) === undefined ? cls : undefined;

  const numAll = nodes.length;
  const wanted = numFeasibleNodesToFind(ctx.percentageOfNodesToScore, numAll);
  const feasible: NodeInfoRecord[] = [];
  const statuses = new Map<string, FailureStatus>();
  const filtering = hooks.filter.taps.length > 0;
  const start = ctx.cursor.nextStartNodeIndex % numAll;
  let processed = 0;
  while (processed < numAll && feasible.length < wanted) {
    let j = start + processed;
    if (j >= numAll) j -= numAll;
    processed++;
    const node = nodes[j]!;
    let refusal: FailureStatus | undefined;
    if (!filtering) {
      refusal = undefined;
    } else if (reuse && reuse.generations[j] === node.generation) {
      refusal = reuse.answers[j] ?? undefined;
      counters.filterAnswersReused++;
    } else {
      refusal = hooks.filter.call(pod, node, state);
      if (reuse) {
        reuse.generations[j] = node.generation;
        reuse.answers[j] = refusal ?? null;
      }
    }
    if (refusal === undefined) feasible.push(node);
    else if (refusal.code === 'Error') return { placement: { kind: 'error', message: `running Filter plugin "${refusal.plugin}" on node "${node.name}": ${statusMessage(refusal)}` }, state };
    else statuses.set(node.name, refusal);
  }
  ctx.cursor.nextStartNodeIndex = (start + processed) % numAll;
  counters.nodesEvaluated += processed;

  if (feasible.length === 0) return { placement: { kind: 'unschedulable', message: fitErrorMessage(numAll, statuses.values()), statuses }, state };
  if (feasible.length === 1) return { placement: { kind: 'fit', nodeName: feasible[0]!.name }, state };

  const refused = hooks.preScore.call(pod, feasible, state);
  if (refused) return { placement: { kind: 'error', message: `running PreScore plugin "${refused.plugin}": ${statusMessage(refused)}` }, state };
  const totals = new Map<string, number>();
  if (hooks.score.taps.length > 0) hooks.score.call(pod, feasible, state, totals);
  return { placement: { kind: 'fit', nodeName: selectHost(feasible, totals, ctx.random) }, state };
}

/** The node with the highest total; ties are broken uniformly at random (reservoir sampling). */
export function selectHost(nodes: readonly { readonly name: string }[], totals: ReadonlyMap<string, number>, random: () => number): string {
  let best = nodes[0]!.name;
  let bestScore = -Infinity;
  let ties = 0;
  for (const node of nodes) {
    const score = totals.get(node.name) ?? 0;
    if (score > bestScore) {
      best = node.name;
      bestScore = score;
      ties = 1;
    } else if (score === bestScore) {
      ties++;
      if (random() * ties < 1) best = node.name;
    }
  }
  return best;
}
