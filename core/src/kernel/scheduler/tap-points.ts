import type { CycleState } from './CycleState.js';
import type { ProfileHooks } from './profile-hooks.js';
import {
  MAX_NODE_SCORE,
  type ExtensionPoint,
  type FailureStatus,
  type NodeScore,
  type PermitDecision,
  type ScheduleStatus,
  type SchedulerPlugin,
} from './types.js';

// How a scheduler plugin's method becomes a tap. The hot path (filter) taps the plugin's method
// itself; the other points wrap it to give the framework's semantics (Skip, weights, reverse
// unreserve, the combined permit decision) on top of tapable's kinds.

export interface TapSettings {
  /** Score weight. */
  readonly weight: number;
  /** Position among the point's plugins (unreserve runs in reverse). */
  readonly index: number;
}

type Method<P extends keyof SchedulerPlugin> = NonNullable<SchedulerPlugin[P]>;

/** Taps `plugin`'s method(s) for `point` onto `hooks`, under the plugin's name. */
export function tapExtensionPoint(hooks: ProfileHooks, point: ExtensionPoint, name: string, plugin: SchedulerPlugin, settings: TapSettings): void {
  const method = <P extends keyof SchedulerPlugin>(m: P): Method<P> => (plugin[m] as Function).bind(plugin) as Method<P>;
  switch (point) {
    case 'queueSort':
      hooks.queueSort.tap(name, method('less'));
      return;
    case 'preFilter': {
      const preFilter = method('preFilter');
      hooks.preFilter.tap(name, (pod, state) => settle(preFilter(pod, state), name, state, 'filter'));
      return;
    }
    case 'filter': {
      const filter = method('filter');
      // Only a plugin with a preFilter can have asked to skip its filter; the others pay nothing.
      if (typeof plugin.preFilter === 'function') {
        hooks.filter.tap(name, (pod, node, state) => (state.isSkipped('filter', name) ? undefined : filter(pod, node, state)));
      } else {
        hooks.filter.tap(name, filter);
      }
      return;
    }
    case 'postFilter': {
      const postFilter = method('postFilter');
      hooks.postFilter.tapPromise(name, async (pod, state, filtered) => postFilter(pod, state, filtered));
      return;
    }
    case 'preScore': {
      const preScore = method('preScore');
      hooks.preScore.tap(name, (pod, nodes, state) => settle(preScore(pod, nodes, state), name, state, 'score'));
      return;
    }
    case 'score': {
      const score = method('score');
      const normalize = plugin.normalizeScore ? method('normalizeScore') : undefined;
      hooks.score.tap(name, (pod, nodes, state, totals) => {
        if (state.isSkipped('score', name)) return;
        const scores: NodeScore[] = nodes.map((node) => ({ name: node.name, score: score(pod, node, state) }));
        normalize?.(scores, pod, state);
        for (const s of scores) {
          if (!(s.score >= 0 && s.score <= MAX_NODE_SCORE)) {
            throw new Error(`scheduler plugin "${name}" scored node "${s.name}" ${s.score}; scores must lie in [0, ${MAX_NODE_SCORE}] after normalizeScore`);
          }
          totals.set(s.name, (totals.get(s.name) ?? 0) + s.score * settings.weight);
        }
      });
      return;
    }
    case 'reserve': {
      const reserve = method('reserve');
      const unreserve = method('unreserve');
      hooks.reserve.tapPromise(name, async (pod, nodeName, state) => named(await reserve(pod, nodeName, state), name));
      // Lower stages run first: a falling stage makes unreserve run in reverse order of reserve.
      hooks.unreserve.tapPromise({ name, stage: -settings.index }, async (pod, nodeName, state) => {
        await unreserve(pod, nodeName, state);
      });
      return;
    }
    case 'permit': {
      const permit = method('permit');
      hooks.permit.tap(name, (decision, pod, nodeName, state) =>
        refused(decision) ? decision : combinePermit(decision, permit(pod, nodeName, state), name),
      );
      return;
    }
    case 'preBind': {
      const preBind = method('preBind');
      hooks.preBind.tapPromise(name, async (pod, nodeName, state) => named(await preBind(pod, nodeName, state), name));
      return;
    }
    case 'bind': {
      const bind = method('bind');
      hooks.bind.tapPromise(name, async (pod, nodeName, state) => {
        const status = await bind(pod, nodeName, state);
        return status === undefined || status.code === 'Skip' ? undefined : { plugin: name, ...status };
      });
      return;
    }
    case 'postBind': {
      const postBind = method('postBind');
      hooks.postBind.tapPromise(name, async (pod, nodeName, state) => {
        await postBind(pod, nodeName, state);
      });
      return;
    }
  }
}

/** preFilter / preScore: Success and Skip go on (Skip is remembered), anything else stops. */
function settle(status: ScheduleStatus | undefined, name: string, state: CycleState, skips: 'filter' | 'score'): FailureStatus | undefined {
  if (status === undefined || status.code === 'Success') return undefined;
  if (status.code === 'Skip') {
    state.markSkipped(skips, name);
    return undefined;
  }
  if (status.code === 'Wait') return { code: 'Error', reasons: [`answered Wait, which only permit may`], plugin: name };
  return named(status as FailureStatus, name);
}

function named<S extends ScheduleStatus>(status: S | undefined, name: string): S | undefined {
  return status === undefined || status.plugin ? status : { ...status, plugin: name };
}

function refused(decision: PermitDecision): boolean {
  return decision.code !== 'Success' && decision.code !== 'Wait';
}

function combinePermit(decision: PermitDecision, answer: PermitDecision | undefined, name: string): PermitDecision {
  if (answer === undefined || answer.code === 'Success') return decision;
  if (answer.code === 'Wait') {
    if (decision.code === 'Wait' && decision.timeoutMs >= answer.timeoutMs) return decision;
    return { ...answer, plugin: answer.plugin ?? name };
  }
  return named(answer, name)!;
}
