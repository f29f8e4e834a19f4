// The controller manager: runs every ControllerRegistration of the kernel against the API,
// through one set of shared informers. Controllers that take part in leader election (the
// default) run only while this process holds the corral-controller-manager Lease; the others run
// from start to stop. controllersStart / controllersStop fire around each run of the elected ones.
import { setMaxListeners } from 'node:events';
import type { ApiClient } from '../client/ApiClient.js';
import { realClock, type Clock } from '../client/informer/clock.js';
import { defaultIdentity } from '../client/leader/identity.js';
import type { LeaderElector } from '../client/leader/LeaderElector.js';
import { leaderElectorFor, type LeaderElectionSettings } from '../client/leader/fromSettings.js';
import type { Corral } from '../kernel/Corral.js';
import type { ControllerLifecycleEvent, ControllerRegistration, SharedInformers } from '../kernel/contracts/controllers.js';
import { ApiEventRecorder } from './ApiEventRecorder.js';
import { ControllerRunner } from './ControllerRunner.js';
import { describeError, stderrLogger, type ControlPlaneLogger } from './logger.js';
import { SharedInformerSet } from './SharedInformerSet.js';

export interface ControllerManagerOptions {
  corral: Corral;
  client: ApiClient;
  /** The holder identity in leases; default hostname_pid_random. */
  identity?: string;
  clock?: Clock;
  /** Off (false, the default): controllers run from start. On: only while holding the lease. */
  leaderElection?: boolean | LeaderElectionSettings;
  logger?: ControlPlaneLogger;
}

export const CONTROLLER_MANAGER_LEASE = 'corral-controller-manager';

/** A set of controllers started and stopped together. */
class ControllerRun {
  private readonly abort = new AbortController();
  private readonly runners: ControllerRunner[];
  private readonly recorders: ApiEventRecorder[] = [];
  private readonly informers: SharedInformerSet;

  constructor(registrations: readonly ControllerRegistration[], informers: SharedInformerSet, options: Required<Pick<ControllerManagerOptions, 'client' | 'clock' | 'logger'>>) {
    // Every reconcile may hand this signal to its requests: many listeners are expected.
    setMaxListeners(0, this.abort.signal);
    this.runners = registrations.map((registration) => {
      const events = new ApiEventRecorder({ client: options.client, component: componentName(registration.name), clock: options.clock, logger: options.logger });
      this.recorders.push(events);
      return new ControllerRunner(registration, { client: options.client, informers, events, clock: options.clock, logger: options.logger, signal: this.abort.signal });
    });
    this.informers = informers;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Subscribes, waits for every cache the controllers read, then starts the workers; false when stopped meanwhile. */
  async start(): Promise<boolean> {
    for (const runner of this.runners) runner.attach();
    const synced = await this.informers.waitForSync(this.runners.flatMap((r) => r.kinds()));
    if (!synced || this.abort.signal.aborted) return false;
    for (const runner of this.runners) runner.run();
    return true;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.runners.map((r) => r.stop()));
    await Promise.all(this.recorders.map((r) => r.flush()));
  }
}

/** 'replicaset' → 'replicaset-controller', as Kubernetes names its event sources. */
function componentName(name: string): string {
  return name.endsWith('controller') ? name : `${name}-controller`;
}

export class ControllerManager {
  readonly identity: string;
  readonly informers: SharedInformerSet;
  private readonly clock: Clock;
  private readonly logger: ControlPlaneLogger;
  private readonly elected: ControllerRegistration[];
  private readonly always: ControllerRegistration[];
  private alwaysRun: ControllerRun | undefined;
  private electedRun: ControllerRun | undefined;
  private elector: LeaderElector | undefined;
  private stopped = false;

  constructor(private readonly options: ControllerManagerOptions) {
    this.identity = options.identity ?? defaultIdentity();
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? stderrLogger;
    this.informers = new SharedInformerSet({
      client: options.client,
      resources: options.corral.resources,
      onError: (kind, err) => this.logger.warn(`controller manager: watching ${kind.kind} (${kind.apiVersion}): ${describeError(err)}; retrying`),
    });
    const all = options.corral.controllers.list();
    // Without leader election every controller simply runs; with it, those that opt out run always.
    const electing = Boolean(options.leaderElection);
    this.elected = all.filter((c) => !electing || c.leaderElection !== false);
    this.always = electing ? all.filter((c) => c.leaderElection === false) : [];
    // A kind no plugin registered is a wiring error: say so before anything runs.
    for (const c of all) for (const kind of [c.for, ...(c.owns ?? []), ...(c.watches ?? []).map((w) => w.kind)]) this.informers.resource(kind);
  }

  /** The shared caches (for components beside the controllers). */
  get shared(): SharedInformers {
    return this.informers;
  }

  /** True while the elected controllers run. */
  get leading(): boolean {
    return this.electedRun !== undefined;
  }

  async start(): Promise<void> {
    const settings = this.options.leaderElection;
    if (this.always.length > 0) {
      this.alwaysRun = this.newRun(this.always);
      await this.alwaysRun.start();
    }
    if (!settings) {
      await this.startElected('startup');
      return;
    }
    this.elector = leaderElectorFor(settings, CONTROLLER_MANAGER_LEASE, {
      client: this.options.client,
      identity: this.identity,
      clock: this.clock,
      onStartedLeading: () => this.startElected('leader-elected'),
      onStoppedLeading: (reason) => this.stopElected(reason),
      onNewLeader: (holder) => this.logger.info(`controller manager: the leader is now ${holder}${holder === this.identity ? ' (this process)' : ''}`),
      onError: (err) => this.logger.warn(`controller manager: leader election: ${describeError(err)}`),
    });
    this.elector.start();
  }

  /** Stops the controllers (firing controllersStop), releases the lease and stops the informers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.elector) await this.elector.stop();
    else await this.stopElected('shutdown');
    await this.alwaysRun?.stop();
    await this.informers.stop();
  }

  private newRun(registrations: readonly ControllerRegistration[]): ControllerRun {
    return new ControllerRun(registrations, this.informers, { client: this.options.client, clock: this.clock, logger: this.logger });
  }

  private async startElected(reason: ControllerLifecycleEvent['reason']): Promise<void> {
    if (this.stopped) return;
    const run = (this.electedRun = this.newRun(this.elected));
    await this.options.corral.hooks.controllersStart.promise({ reason, identity: this.identity });
    if (!(await run.start())) return;
  }

  private async stopElected(reason: ControllerLifecycleEvent['reason']): Promise<void> {
    const run = this.electedRun;
    if (!run) return;
    this.electedRun = undefined;
    await run.stop();
    try {
      await this.options.corral.hooks.controllersStop.promise({ reason, identity: this.identity });
    } catch (err) {
      this.logger.error(`controller manager: a controllersStop tap failed: ${describeError(err)}`);
    }
  }
}

/** Creates and starts a controller manager for `corral`'s registered controllers. */
export async function startControllerManager(options: ControllerManagerOptions): Promise<ControllerManager> {
  const manager = new ControllerManager(options);
  await manager.start();
  return manager;
}
