// The scheduler wired to the API: informers on Pods, Nodes and Services feed its
// SchedulerSource; bindings go through ApiBinder; outcomes through ApiSchedulerEvents. With
// leader election the scheduler (its caches, its queue) exists only while this process holds
// the corral-scheduler Lease, and is rebuilt from the API each time it wins it. Beside the
// controller manager (`corral server`) it reads the manager's shared informers instead of its
// own: each kind is then decoded and cached once per process, not once per component.
import type { ApiObject, Node, Pod, Service } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ResourceRef } from '../../client/discovery.js';
import { realClock, type Clock } from '../../client/informer/clock.js';
import { informerFor, type Informer } from '../../client/informer/Informer.js';
import { defaultIdentity } from '../../client/leader/identity.js';
import type { LeaderElector } from '../../client/leader/LeaderElector.js';
import { leaderElectorFor, type LeaderElectionSettings } from '../../client/leader/fromSettings.js';
import type { EventRecorderStats } from '../../controllers/ApiEventRecorder.js';
import { describeError, stderrLogger, type ControlPlaneLogger } from '../../controllers/logger.js';
import type { KindRef, SharedInformers } from '../../kernel/contracts/controllers.js';
import type { Corral } from '../../kernel/Corral.js';
import { Scheduler } from '../Scheduler.js';
import type { SchedulerOptions } from '../types.js';
import { ApiBinder, type ApiBinderOptions } from './ApiBinder.js';
import { ApiSchedulerEvents, type EventSinkOptions } from './ApiSchedulerEvents.js';

export const SCHEDULER_LEASE = 'corral-scheduler';

type KindedRef = ResourceRef & { readonly plural: string; readonly kind: string };

const PODS: KindedRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const NODES: KindedRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
const SERVICES: KindedRef = { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' };
const kindOf = (ref: KindedRef): KindRef => ({ apiVersion: ref.version, kind: ref.kind });

export interface StartSchedulerOptions {
  corral: Corral;
  client: ApiClient;
  identity?: string;
  clock?: Clock;
  /** Off by default; on: schedule only while holding the corral-scheduler Lease. */
  leaderElection?: boolean | LeaderElectionSettings;
  logger?: ControlPlaneLogger;
  /** Tuning passed to the Scheduler (sampling, backoff, ...). */
  scheduler?: Omit<SchedulerOptions, 'profiles' | 'binder' | 'events' | 'clock' | 'logger'>;
  binder?: ApiBinderOptions;
  /** Write FailedScheduling/Scheduled Events (default true). */
  events?: boolean;
  /** Pacing of the Events (default: the recorder's, 50/s with a burst of 100). */
  eventSink?: EventSinkOptions;
  /**
   * Informers to read Pods, Nodes and Services from, shared with other components of the
   * process (the controller manager's); their owner starts and stops them. Default: the
   * scheduler's own, through `client`.
   */
  informers?: SharedInformers;
}

/** One kind the scheduler follows: its informer and the handlers that feed the scheduler. */
interface Feed {
  readonly informer: Informer;
  /** Attaches the handlers (a late attach first sees an add per cached object). */
  attach(): void;
}

/** One term of scheduling: informers and a Scheduler built from them. */
class SchedulingSession {
  readonly scheduler: Scheduler;
  readonly events: ApiSchedulerEvents;
  private readonly feeds: Feed[] = [];
  private readonly detach: (() => void)[] = [];
  /** False when the informers are shared: they belong to their owner, who starts and stops them. */
  private readonly ownsInformers: boolean;

  constructor(options: StartSchedulerOptions, clock: Clock, logger: ControlPlaneLogger) {
    this.events = new ApiSchedulerEvents({ client: options.client, logger, events: options.events, ...(options.eventSink ? { eventSink: options.eventSink } : {}) });
    this.scheduler = new Scheduler({
      ...options.scheduler,
      profiles: options.corral.schedulerProfiles,
      binder: new ApiBinder(options.client, options.binder),
      events: this.events,
      clock,
      logger: { error: (message) => logger.error(`scheduler: ${message}`) },
    });
    const s = this.scheduler;
    const shared = options.informers;
    this.ownsInformers = shared === undefined;
    const onError = (what: string) => (err: unknown) => logger.warn(`scheduler: watching ${what}: ${describeError(err)}; retrying`);
    const informer = <T extends ApiObject>(ref: KindedRef): Informer<T> =>
      shared ? shared.informer<T>(kindOf(ref)) : informerFor<T>(options.client, ref, { onError: onError(ref.plural) });
    this.feed<Node>(informer<Node>(NODES), (n) => s.addNode(n), (a, b) => s.updateNode(a, b), (n) => s.deleteNode(n));
    this.feed<Service>(informer<Service>(SERVICES), (x) => s.addService(x), (a, b) => s.updateService(a, b), (x) => s.deleteService(x));
    this.feed<Pod>(informer<Pod>(PODS), (p) => s.addPod(p), (a, b) => s.updatePod(a, b), (p) => s.deletePod(p));
  }

  private feed<T extends ApiObject>(informer: Informer<T>, add: (o: T) => void, update: (a: T, b: T) => void, remove: (o: T) => void): void {
    this.feeds.push({
      informer: informer as unknown as Informer,
      attach: () => {
        this.detach.push(informer.onAdd(add), informer.onUpdate(update), informer.onDelete((obj) => remove(obj)));
      },
    });
  }

  /**
   * Lists everything (nodes first, so pods find them), then starts scheduling; false when stopped
   * first. Handlers attach kind by kind: a shared informer that is already warm replays its cache
   * to them, nodes before pods as well.
   */
  async start(signal: AbortSignal): Promise<boolean> {
    const [nodes, services, pods] = this.feeds;
    const begin = (feed: Feed): Promise<boolean> => {
      feed.attach();
      if (this.ownsInformers) feed.informer.start();
      return feed.informer.waitForSync();
    };
    const [nodesSynced, servicesSynced] = await Promise.all([begin(nodes!), begin(services!)]);
    if (!nodesSynced || !servicesSynced || signal.aborted) return false;
    if (!(await begin(pods!)) || signal.aborted) return false;
    this.scheduler.start();
    return true;
  }

  async stop(): Promise<void> {
    for (const remove of this.detach.splice(0)) remove();
    if (this.ownsInformers) await Promise.all(this.feeds.map((f) => f.informer.stop()));
    await this.scheduler.stop();
    await this.events.flush();
  }
}

export class ApiScheduler {
  readonly identity: string;
  private session: SchedulingSession | undefined;
  private elector: LeaderElector | undefined;
  private readonly clock: Clock;
  private readonly logger: ControlPlaneLogger;
  private stopped = false;

  constructor(private readonly options: StartSchedulerOptions) {
    this.identity = options.identity ?? defaultIdentity();
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? stderrLogger;
    if (options.corral.schedulerProfiles.size === 0) throw new Error('the scheduler has no profiles: is this a server role, with scheduler.profiles in the config?');
  }

  /** The scheduler of the current term (undefined while not leading). */
  get scheduler(): Scheduler | undefined {
    return this.session?.scheduler;
  }

  /** The Events of the current term so far: written, coalesced, dropped (undefined while not leading). */
  eventStats(): EventRecorderStats | undefined {
    return this.session?.events.stats();
  }

  get leading(): boolean {
    return this.session !== undefined;
  }

  async start(): Promise<void> {
    const settings = this.options.leaderElection;
    if (!settings) {
      const session = (this.session = new SchedulingSession(this.options, this.clock, this.logger));
      await session.start(new AbortController().signal);
      return;
    }
    this.elector = leaderElectorFor(settings, SCHEDULER_LEASE, {
      client: this.options.client,
      identity: this.identity,
      clock: this.clock,
      onStartedLeading: async (signal) => {
        if (this.stopped) return;
        const session = (this.session = new SchedulingSession(this.options, this.clock, this.logger));
        await session.start(signal);
      },
      onStoppedLeading: async () => {
        const session = this.session;
        this.session = undefined;
        await session?.stop();
      },
      onError: (err) => this.logger.warn(`scheduler: leader election: ${describeError(err)}`),
    });
    this.elector.start();
  }

  /** Stops scheduling (bindings in flight finish), releases the lease. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.elector) {
      await this.elector.stop();
    } else {
      const session = this.session;
      this.session = undefined;
      await session?.stop();
    }
  }
}

/** Creates and starts the scheduler for `corral`'s profiles against the API. */
export async function startScheduler(options: StartSchedulerOptions): Promise<ApiScheduler> {
  const scheduler = new ApiScheduler(options);
  await scheduler.start();
  return scheduler;
}
