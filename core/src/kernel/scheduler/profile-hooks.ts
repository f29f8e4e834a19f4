import {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  SyncBailHook,
  SyncHook,
  SyncWaterfallHook,
} from 'tapable';
import type { Pod } from '../../api/index.js';
import type { HookDoc } from '../hook-doc.js';
import type { CycleState } from './CycleState.js';
import type {
  FailureStatus,
  NodeInfo,
  NodeStatusMap,
  PermitDecision,
  PostFilterResult,
  QueuedPodInfo,
  ScheduleStatus,
  ScoreTotals,
} from './types.js';

/**
 * The extension points of one scheduler profile. Each profile gets its own frozen set, onto
 * which the kernel taps the scheduler plugins the profile enables (tap name = plugin name, in
 * the profile's order). The scheduler only calls them: `profile.hooks.filter.call(pod, node, state)`.
 */
export function createProfileHooks() {
  return Object.freeze({
    queueSort: new SyncBailHook<[QueuedPodInfo, QueuedPodInfo], boolean | undefined>(['a', 'b']),
    preFilter: new SyncBailHook<[Pod, CycleState], FailureStatus | undefined>(['pod', 'state']),
    filter: new SyncBailHook<[Pod, NodeInfo, CycleState], FailureStatus | undefined>(['pod', 'node', 'state']),
    postFilter: new AsyncSeriesBailHook<[Pod, CycleState, NodeStatusMap], PostFilterResult | undefined>(['pod', 'state', 'filtered']),
    preScore: new SyncBailHook<[Pod, readonly NodeInfo[], CycleState], FailureStatus | undefined>(['pod', 'nodes', 'state']),
    score: new SyncHook<[Pod, readonly NodeInfo[], CycleState, ScoreTotals]>(['pod', 'nodes', 'state', 'totals']),
    reserve: new AsyncSeriesBailHook<[Pod, string, CycleState], FailureStatus | undefined>(['pod', 'nodeName', 'state']),
    unreserve: new AsyncSeriesHook<[Pod, string, CycleState]>(['pod', 'nodeName', 'state']),
    permit: new SyncWaterfallHook<[PermitDecision, Pod, string, CycleState]>(['decision', 'pod', 'nodeName', 'state']),
    preBind: new AsyncSeriesBailHook<[Pod, string, CycleState], FailureStatus | undefined>(['pod', 'nodeName', 'state']),
    bind: new AsyncSeriesBailHook<[Pod, string, CycleState], ScheduleStatus | undefined>(['pod', 'nodeName', 'state']),
    postBind: new AsyncParallelHook<[Pod, string, CycleState]>(['pod', 'nodeName', 'state']),
  });
}

export type ProfileHooks = ReturnType<typeof createProfileHooks>;
export type ProfileHookName = keyof ProfileHooks;

const area = 'Scheduler profile';

/** The reference for every extension point hook; the plugin interfaces are in scheduler/types.ts. */
export const PROFILE_HOOK_DOCS: { readonly [K in ProfileHookName]: HookDoc } = {
  queueSort: {
    area,
    receives: '`a`, `b`: two QueuedPodInfo.',
    returns: 'true when `a` goes first; undefined when no queueSort plugin is enabled (the queue is then FIFO).',
    when: 'Whenever the scheduling queue orders pods. At most one plugin, the same in every profile.',
    mayBeSlow: false,
  },
  preFilter: {
    area,
    receives: '`pod`; `state`: the cycle\'s CycleState.',
    returns: 'undefined to go on, or the first FailureStatus (the pod is unschedulable this cycle). A plugin answering Skip has its filter skipped this cycle.',
    when: 'Once per scheduling cycle, before filter.',
    mayBeSlow: false,
    notes: 'Compute here what filter needs for every node, and store it in the CycleState.',
  },
  filter: {
    area,
    receives: '`pod`; `node`: one NodeInfo; `state`.',
    returns: 'undefined when the node fits; the first FailureStatus stops the remaining filters for that node.',
    when: 'For every node in every cycle: the hot path.',
    mayBeSlow: false,
    notes: 'Must be cheap and must not do I/O or await.',
  },
  postFilter: {
    area,
    receives: '`pod`; `state`; `filtered`: why each node was refused.',
    returns: 'The first `{ nominatedNodeName }` wins and stops the rest; undefined passes.',
    when: 'When no node fits (this is where preemption lives).',
    mayBeSlow: true,
  },
  preScore: {
    area,
    receives: '`pod`; `nodes`: the feasible nodes; `state`.',
    returns: 'undefined to go on, or the first FailureStatus. A plugin answering Skip has its score skipped this cycle.',
    when: 'Once per cycle, after filter, when more than one node fits.',
    mayBeSlow: false,
  },
  score: {
    area,
    receives: '`pod`; `nodes`: the feasible nodes; `state`; `totals`: node name → weighted sum so far.',
    returns: 'nothing: each tap (one per score plugin) scores every node, normalizes, multiplies by its weight and adds into `totals`.',
    when: 'Once per cycle, after preScore; the scheduler picks the node with the highest total.',
    mayBeSlow: false,
    notes: 'A score outside [0, 100] after normalizeScore throws, naming the plugin.',
  },
  reserve: {
    area,
    receives: '`pod`; `nodeName`: the chosen node; `state`.',
    returns: 'undefined to go on, or the first FailureStatus (then unreserve runs).',
    when: 'Once the node is chosen, before permit.',
    mayBeSlow: false,
    notes: 'Keep it to in-memory bookkeeping: the next cycle waits for it.',
  },
  unreserve: {
    area,
    receives: '`pod`; `nodeName`; `state`.',
    returns: 'nothing',
    when: 'When reserve, permit, preBind or bind failed: every reserve plugin, in reverse order.',
    mayBeSlow: false,
    notes: 'Must be idempotent and must not fail.',
  },
  permit: {
    area,
    receives: '`decision`: the combined decision so far (starts as Success); `pod`; `nodeName`; `state`.',
    returns: 'The combined decision: the first refusal wins, otherwise Wait with the longest timeout, otherwise Success.',
    when: 'After reserve; a Wait holds the pod until allowed, refused or timed out.',
    mayBeSlow: false,
  },
  preBind: {
    area,
    receives: '`pod`; `nodeName`; `state`.',
    returns: 'undefined to go on, or the first FailureStatus (then unreserve runs).',
    when: 'In the binding cycle, which runs apart from the scheduling cycle.',
    mayBeSlow: true,
  },
  bind: {
    area,
    receives: '`pod`; `nodeName`; `state`.',
    returns: 'The first answer other than Skip wins: Success (bound) or a FailureStatus; Skip / undefined pass to the next.',
    when: 'After preBind, in the binding cycle.',
    mayBeSlow: true,
    notes: 'The default binder writes the `pods/binding` subresource.',
  },
  postBind: {
    area,
    receives: '`pod`; `nodeName`; `state`.',
    returns: 'nothing',
    when: 'After a successful bind.',
    mayBeSlow: true,
    notes: 'Informational: taps run in parallel, rejections are logged and ignored.',
  },
};
