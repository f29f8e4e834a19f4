import type { Condition, Node, Pod, Service } from '../api/index.js';
import { CycleState, SCHEDULER_HANDLE_KEY, type SchedulerHandle, type SchedulerProfile, type ScheduleStatus } from '../kernel/index.js';
import { SchedulerCache } from './cache/SchedulerCache.js';
import { EquivalenceCache } from './cycle/EquivalenceCache.js';
import { statusMessage } from './cycle/fit-error.js';
import { schedulePod, type CycleContext, type Placement } from './cycle/schedule-pod.js';
import { WaitingPods, type WaitingPodEntry } from './cycle/WaitingPods.js';
import { SchedulingQueue } from './queue/SchedulingQueue.js';
import type { QueuedPod } from './queue/QueuedPod.js';
import { withNodeName } from './resources.js';
import {
  realClock,
  schedulerNameOf,
  type Binder,
  type Clock,
  type CycleOutcome,
  type SchedulerEvents,
  type SchedulerLogger,
  type SchedulerOptions,
  type SchedulerSource,
  type SchedulerStats,
} from './types.js';

type Failure = { readonly kind: 'unschedulable' | 'error'; readonly message: string };

const stderrLogger: SchedulerLogger = { error: (message) => process.stderr.write(`corral scheduler: ${message}\n`) };

/**
 * Corral's scheduler: kube-scheduler's cycle on the kernel's profile hooks. Told about the
 * cluster through SchedulerSource, it keeps a cache and a queue; each cycle takes one pod, runs
 * its profile (by spec.schedulerName) synchronously up to the choice of a node, assumes the pod
 * there, reserves and permits, then binds in the background while the next cycle starts.
 */
export class Scheduler implements SchedulerSource {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  private readonly profiles: ReadonlyMap<string, SchedulerProfile>;
  private readonly binder: Binder;
  private readonly events: SchedulerEvents | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: SchedulerLogger;
  private readonly percentage: number;
  private readonly equivalence: EquivalenceCache | undefined;
  private readonly waiting: WaitingPods;
  private readonly handle: SchedulerHandle;
  private readonly bindings = new Set<Promise<void>>();
  private readonly counters = { cycles: 0, bound: 0, failed: 0, nodesEvaluated: 0, filterAnswersReused: 0, preFilterReused: 0 };
  /** Where the next cycle starts filtering. */
  private readonly cursor = { nextStartNodeIndex: 0 };
  private running = false;
  private loop: Promise<void> | undefined;
  private expiryTimer: unknown;

  constructor(options: SchedulerOptions) {
    const first = options.profiles.values().next().value;
    if (!first) throw new Error('the scheduler needs at least one scheduler profile (scheduler.profiles in the config)');
    this.profiles = options.profiles;
    this.binder = options.binder;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? stderrLogger;
    this.percentage = options.percentageOfNodesToScore ?? 0;
    this.equivalence = options.reuseResults === false ? undefined : new EquivalenceCache();
    this.cache = new SchedulerCache(this.clock, options.assumedPodTtlMs ?? 30_000);
    this.waiting = new WaitingPods(this.clock);
    // Every profile has the same queueSort (the kernel checks it): one queue serves them all.
    const queueSort = first.hooks.queueSort;
    this.queue = new SchedulingQueue({
      less: (a, b) => queueSort.call(a, b),
      clock: this.clock,
      initialBackoffMs: options.podInitialBackoffMs ?? 1_000,
      maxBackoffMs: options.podMaxBackoffMs ?? 10_000,
      unschedulableTimeoutMs: options.unschedulableTimeoutMs ?? 60_000,
    });
    const { cache, binder, waiting } = this;
    this.handle = {
      get nodes() {
        return cache.nodeList();
      },
      nodeInfo: (name) => cache.nodeInfo(name),
      services: (namespace) => cache.services(namespace),
      controllerPlacement: (uid) => cache.controllerPlacement(uid),
      bind: (pod, nodeName) => binder.bind(pod, nodeName),
      waitingPod: (uid) => waiting.get(uid),
    };
  }

  // ------------------------------------------------------------------ SchedulerSource

  addPod(pod: Pod): void {
    if (isTerminal(pod)) return;
    if (pod.spec.nodeName) {
      this.queue.delete(pod);
      this.cache.addPod(pod);
    } else if (this.profiles.has(schedulerNameOf(pod))) {
      this.queue.add(pod);
    }
  }

  updatePod(oldPod: Pod, newPod: Pod): void {
    if (newPod.spec.nodeName) {
      if (!oldPod.spec.nodeName) this.queue.delete(newPod); // bound: by us (confirmed) or by someone else
      if (isTerminal(newPod)) this.forgetAssigned(newPod);
      else this.cache.updatePod(oldPod, newPod);
    } else if (this.profiles.has(schedulerNameOf(newPod))) {
      this.queue.update(newPod);
    } else {
      this.queue.delete(newPod);
    }
  }

  deletePod(pod: Pod): void {
    this.queue.delete(pod);
    this.waiting.get(pod.metadata.uid ?? '')?.reject('', 'pod deleted');
    if (this.cache.has(pod)) this.forgetAssigned(pod);
  }

  addNode(node: Node): void {
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoff();
  }

  updateNode(oldNode: Node, newNode: Node): void {
    this.cache.updateNode(oldNode, newNode);
    if (schedulingInputChanged(oldNode, newNode)) this.queue.moveAllToActiveOrBackoff();
  }

  deleteNode(node: Node): void {
    this.cache.deleteNode(node);
  }

  addService(service: Service): void {
    this.cache.addService(service);
  }

  updateService(_oldService: Service, newService: Service): void {
    this.cache.addService(newService);
  }

  deleteService(service: Service): void {
    this.cache.deleteService(service);
  }

  // ------------------------------------------------------------------ running

  /** Schedules pods as they come, until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.armExpirySweep();
    this.loop = (async () => {
      while (this.running) {
        const entry = await this.queue.pop();
        if (!entry) return;
        try {
          await this.scheduleOne(entry);
        } catch (err) {
          this.logger.error(`scheduling pod ${podName(entry.pod)}: ${describe(err)}`);
          this.queue.done(entry.pod);
        }
      }
    })();
  }

  /**
   * Stops the loop and the timers, rejects pods held at permit, and waits for bindings in
   * flight. The scheduler cannot start again.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.queue.close();
    this.waiting.rejectAll('the scheduler is stopping');
    if (this.expiryTimer !== undefined) this.clock.clearTimeout(this.expiryTimer);
    await this.loop;
    await this.bindingsSettled();
  }

  /** Schedules every pod now in activeQ, then waits for their bindings (tests, benchmarks; not while started). */
  async schedulePending(): Promise<CycleOutcome[]> {
    const outcomes: CycleOutcome[] = [];
    for (let entry = this.queue.tryPop(); entry; entry = this.queue.tryPop()) outcomes.push(await this.scheduleOne(entry));
    await this.bindingsSettled();
    return outcomes;
  }

  async bindingsSettled(): Promise<void> {
    while (this.bindings.size > 0) await Promise.allSettled([...this.bindings]);
  }

  stats(): SchedulerStats {
    return { ...this.counters };
  }

  /** One scheduling cycle for a popped pod; its binding goes on in the background. */
  async scheduleOne(entry: QueuedPod): Promise<CycleOutcome> {
    const pod = entry.pod;
    const profile = this.profiles.get(schedulerNameOf(pod));
    if (!profile || pod.metadata.deletionTimestamp || this.cache.has(pod)) {
      this.queue.done(pod);
      return { result: 'skipped', pod };
    }
    this.counters.cycles++;
    let placement: Placement;
    let state: CycleState;
    try {
      ({ placement, state } = schedulePod(profile, pod, () => this.newCycleState(), this.cycleContext(pod, profile)));
    } catch (err) {
      return this.fail(entry, { kind: 'error', message: describe(err) });
    }
    if (placement.kind !== 'fit') {
      if (placement.kind === 'unschedulable' && profile.hooks.postFilter.taps.length > 0) {
        try {
          await profile.hooks.postFilter.promise(pod, state, placement.statuses);
        } catch (err) {
          this.logger.error(`postFilter for pod ${podName(pod)}: ${describe(err)}`);
        }
      }
      return this.fail(entry, placement);
    }

    const { nodeName } = placement;
    const hooks = profile.hooks;
    const assumed = withNodeName(pod, nodeName);
    this.cache.assumePod(assumed);
    let waiting: WaitingPodEntry | undefined;
    try {
      const refused = hooks.reserve.taps.length > 0 ? await hooks.reserve.promise(assumed, nodeName, state) : undefined;
      if (refused) return await this.undo(entry, profile, state, assumed, failureOf('Reserve', refused));
      if (hooks.permit.taps.length > 0) {
        const decision = hooks.permit.call({ code: 'Success' }, assumed, nodeName, state);
        if (decision.code === 'Wait') waiting = this.waiting.add(assumed, nodeName, decision);
        else if (decision.code !== 'Success') return await this.undo(entry, profile, state, assumed, failureOf('Permit', decision));
      }
    } catch (err) {
      return await this.undo(entry, profile, state, assumed, { kind: 'error', message: describe(err) });
    }
    const binding = this.bindingCycle(entry, profile, state, assumed, nodeName, waiting).catch((err) => this.logger.error(`binding pod ${podName(pod)}: ${describe(err)}`));
    this.bindings.add(binding);
    void binding.finally(() => this.bindings.delete(binding));
    return { result: 'assumed', pod: assumed, nodeName };
  }

  // ------------------------------------------------------------------ internals

  /** Waits for permit, then preBind, bind, postBind; on failure undoes the assumption and requeues. */
  private async bindingCycle(entry: QueuedPod, profile: SchedulerProfile, state: CycleState, assumed: Pod, nodeName: string, waiting: WaitingPodEntry | undefined): Promise<void> {
    const hooks = profile.hooks;
    let failure: Failure | undefined;
    try {
      const denied = waiting ? await waiting.result : undefined;
      if (denied) failure = failureOf('Permit', denied);
      const refused = !failure && hooks.preBind.taps.length > 0 ? await hooks.preBind.promise(assumed, nodeName, state) : undefined;
      if (refused) failure = failureOf('PreBind', refused);
      if (!failure) {
        const bound = await hooks.bind.promise(assumed, nodeName, state);
        if (bound === undefined) failure = { kind: 'error', message: 'no bind plugin bound the pod: every one skipped it' };
        else if (bound.code !== 'Success') failure = { kind: 'error', message: `binding rejected: ${statusMessage(bound)}` };
      }
    } catch (err) {
      failure = { kind: 'error', message: `binding rejected: ${describe(err)}` };
    }
    if (failure) {
      await this.undo(entry, profile, state, assumed, failure);
      this.queue.moveAllToActiveOrBackoff(); // the room the pod held is free again
      return;
    }
    this.cache.finishBinding(assumed);
    this.counters.bound++;
    this.queue.done(entry.pod);
    if (hooks.postBind.taps.length > 0) {
      hooks.postBind.promise(assumed, nodeName, state).catch((err) => this.logger.error(`postBind for pod ${podName(assumed)}: ${describe(err)}`));
    }
    this.emit('scheduled', () => this.events?.scheduled(assumed, nodeName));
  }

  /** Unreserves and forgets an assumed pod, then handles the failure. */
  private async undo(entry: QueuedPod, profile: SchedulerProfile, state: CycleState, assumed: Pod, failure: Failure): Promise<CycleOutcome> {
    if (profile.hooks.unreserve.taps.length > 0) {
      try {
        await profile.hooks.unreserve.promise(assumed, assumed.spec.nodeName ?? '', state);
      } catch (err) {
        this.logger.error(`unreserve for pod ${podName(assumed)} (unreserve must not fail): ${describe(err)}`);
      }
    }
    this.cache.forgetPod(assumed);
    return this.fail(entry, failure);
  }

  /** Requeues a failed pod (unless deleted meanwhile) and reports it. */
  private fail(entry: QueuedPod, failure: Failure): CycleOutcome {
    this.counters.failed++;
    const requeued = this.queue.requeue(entry, failure.kind === 'unschedulable');
    this.queue.done(entry.pod);
    const pod = entry.pod;
    if (requeued) {
      const condition: Condition = {
        type: 'PodScheduled',
        status: 'False',
        reason: failure.kind === 'error' ? 'SchedulerError' : 'Unschedulable',
        message: failure.message,
        lastTransitionTime: new Date(this.clock.now()).toISOString(),
      };
      this.emit('unschedulable', () => this.events?.unschedulable(pod, failure.message, condition));
    }
    return { result: failure.kind, pod, message: failure.message };
  }

  private newCycleState(): CycleState {
    const state = new CycleState();
    state.write(SCHEDULER_HANDLE_KEY, this.handle);
    return state;
  }

  private cycleContext(pod: Pod, profile: SchedulerProfile): CycleContext {
    const nodes = this.cache.nodeList();
    return {
      nodes,
      percentageOfNodesToScore: this.percentage,
      cursor: this.cursor,
      random: this.random,
      ...(this.equivalence ? { equivalence: this.equivalence.classFor(pod, profile.name, this.cache.listVersion, nodes.length) } : {}),
      counters: this.counters,
    };
  }

  /** An assigned pod is gone (deleted, or finished): its room is free. */
  private forgetAssigned(pod: Pod): void {
    this.cache.removePod(pod);
    this.queue.moveAllToActiveOrBackoff();
  }

  private emit(what: string, call: () => void | Promise<void> | undefined): void {
    try {
      const result = call();
      if (result) result.catch((err: unknown) => this.logger.error(`${what} event: ${describe(err)}`));
    } catch (err) {
      this.logger.error(`${what} event: ${describe(err)}`);
    }
  }

  /** Drops assumed pods no informer confirmed within the TTL, every second. */
  private armExpirySweep(): void {
    this.expiryTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      if (this.cache.cleanupExpiredAssumedPods() > 0) this.queue.moveAllToActiveOrBackoff();
      this.armExpirySweep();
    }, 1_000);
  }
}

function failureOf(point: string, status: ScheduleStatus): Failure {
  if (status.code === 'Error') return { kind: 'error', message: `running ${point} plugin "${status.plugin ?? '?'}": ${statusMessage(status)}` };
  return { kind: 'unschedulable', message: statusMessage(status) };
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Whether a node update can change a filter's or score's answer (not just heartbeats). */
function schedulingInputChanged(a: Node, b: Node): boolean {
  return (
    JSON.stringify([a.metadata.labels, a.spec, a.status?.allocatable, a.status?.capacity]) !==
    JSON.stringify([b.metadata.labels, b.spec, b.status?.allocatable, b.status?.capacity])
  );
}

function podName(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
