import { mkdir } from 'node:fs/promises';
import { ApiError } from '../api/errors.js';
import type { Pod, Quantity, Service } from '../api/types.js';
import { informerFor, type Informer } from '../client/informer/Informer.js';
import { ExponentialFailureRateLimiter } from '../client/informer/rateLimiters.js';
import { runController } from '../client/informer/runController.js';
import { WorkQueue } from '../client/informer/WorkQueue.js';
import { cacheKey } from '../client/informer/ObjectCache.js';
import { AgentEvents } from './events.js';
import { POD_UID } from './labels.js';
import { defaultNodeIP, machineCapacity } from './node/machine.js';
import { NodeHeartbeat } from './node/NodeHeartbeat.js';
import type { PodContext } from './pods/context.js';
import { PodSyncer } from './pods/PodSyncer.js';
import { startupTraceFromEnv, type StartupTrace } from './pods/startupTrace.js';
import { instancesOf, podRuntimeState } from './pods/runtimeState.js';
import { ProbeManager } from './probes/ProbeManager.js';
import { startAgentServer, type AgentServer } from './server/AgentServer.js';
import { DEFAULT_TIMING, type AgentLogger, type AgentOptions, type AgentTiming } from './types.js';

// The node agent (Corral's kubelet): registers its Node and keeps it alive, watches the pods
// bound to it, and drives the runtime towards them, one sync at a time per pod from a work
// queue. Event sources only queue pod uids: the pod informer, the runtime relist (containers
// that changed state), the probes, and a periodic resync that also finds orphaned sandboxes.

const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const SERVICES = { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' };
/**
 * Pods synced at once. More did not start a burst sooner on a busy 2-core node: the runtimes'
 * work there is CPU-bound, and 32 at once finished the last pod of 30 no earlier (cri: later)
 * while delaying the first ones.
 */
const DEFAULT_POD_WORKERS = 10;
const DNS_SERVICE = 'kube-system/kube-dns';
const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** How soon a pod unknown before the first pod list is looked at again. */
const UNSYNCED_RETRY_MS = 500;

const quietLogger: AgentLogger = {
  error: (m) => console.error(`agent: ${m}`),
  warn: () => undefined,
  info: () => undefined,
};

export class Agent {
  private readonly pods: Informer<Pod>;
  private readonly services: Informer<Service>;
  private readonly queue: WorkQueue;
  private readonly syncer: PodSyncer;
  private readonly probes: ProbeManager;
  private readonly heartbeat: NodeHeartbeat;
  private readonly trace: StartupTrace = startupTraceFromEnv();
  private readonly uidToKey = new Map<string, string>();
  private readonly containerStates = new Map<string, string>();
  private relistTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private workers?: Promise<void>;
  private runtimeHealthy = true;
  private stopping = false;

  private constructor(
    readonly options: AgentOptions,
    readonly timing: AgentTiming,
    readonly nodeIP: string,
    private readonly capacity: Record<string, Quantity>,
    private readonly server: AgentServer,
    private readonly logger: AgentLogger,
  ) {
    const { client, nodeName } = options;
    const onError = (err: unknown): void => logger.warn(`watch: ${(err as Error).message}`);
    this.pods = informerFor<Pod>(client, PODS, { fieldSelector: `spec.nodeName=${nodeName}`, onError });
    this.services = informerFor<Service>(client, SERVICES, { onError });
    this.queue = new WorkQueue({ rateLimiter: new ExponentialFailureRateLimiter(timing.syncRetryInitialMs, timing.syncRetryMaxMs) });
    const events = new AgentEvents(client, nodeName, logger);
    this.probes = new ProbeManager({
      changed: (uid) => this.queue.add(uid),
      failed: (uid, container, kind, message) => {
        const pod = this.podByUid(uid);
        const what = kind === 'liveness' ? 'Liveness' : kind === 'readiness' ? 'Readiness' : 'Startup';
        if (pod) events.emit(pod, 'Warning', 'Unhealthy', `${what} probe failed: ${message}`, `spec.containers{${container.name}}`);
      },
    });
    const ctx: PodContext = {
      client,
      runtime: options.runtime,
      podNetwork: options.podNetwork,
      hooks: options.hooks,
      probes: this.probes,
      events,
      trace: this.trace,
      logger,
      rootDir: options.rootDir,
      nodeName,
      nodeIP,
      timing,
      allocatable: () => this.capacity,
      services: () => this.services.cache.list(),
      clusterDns: () => ({ servers: options.clusterDNS ?? this.dnsServiceIPs(), domain: options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN }),
      resolvConf: options.resolvConf ?? '/etc/resolv.conf',
    };
    this.syncer = new PodSyncer(ctx, () => this.pods.cache.list());
    this.heartbeat = new NodeHeartbeat(
      client,
      {
        name: nodeName,
        nodeIP,
        port: server.port,
        capacity,
        labels: options.labels ?? {},
        runtimeVersion: `${options.runtime.name}://${(options.runtime as { version?: string }).version ?? 'unknown'}`,
      },
      timing,
      options.rootDir,
      () => this.runtimeHealthy,
      logger,
    );
  }

  /** Starts the agent: its port first (the Node advertises it), then registration, watches and syncs. */
  static async start(options: AgentOptions): Promise<Agent> {
    const timing = { ...DEFAULT_TIMING, ...options.timing };
    const logger = options.logger ?? quietLogger;
    await mkdir(options.rootDir, { recursive: true });
    const nodeIP = options.nodeIP ?? defaultNodeIP();
    const capacity = { ...machineCapacity(options.rootDir), ...options.capacity };
    const runtime = options.runtime;
    const server = await startAgentServer({
      host: options.listen?.host ?? '0.0.0.0',
      port: options.listen?.port ?? 10250,
      runtime,
      logger,
      lookup: (namespace, pod, container, previous) => agent.lookup(namespace, pod, container, previous),
    });
    const agent = new Agent(options, timing, nodeIP, capacity, server, logger);
    agent.run();
    return agent;
  }

  get port(): number {
    return this.server.port;
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  /** Resolves once the node is registered and the pods bound to it were listed. */
  async ready(): Promise<void> {
    await this.heartbeat.beat();
    await this.pods.waitForSync();
  }

  /**
   * Stops the agent. Pods keep running (a restarted agent adopts them) unless `stopPods`, which
   * stops their containers and sandboxes first (`corral up` on Ctrl-C).
   */
  async stop(options: { stopPods?: boolean } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.relistTimer) clearTimeout(this.relistTimer);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    await this.queue.shutDown();
    await this.workers;
    this.probes.stopAll();
    await Promise.all([this.pods.stop(), this.services.stop(), this.heartbeat.stop()]);
    if (options.stopPods) await this.syncer.stopAll(this.pods.cache.list());
    await this.server.close();
    await this.options.runtime.close();
    await this.options.podNetwork?.close();
    await this.trace.close();
  }

  private run(): void {
    const enqueue = (pod: Pod): void => {
      const uid = pod.metadata.uid;
      if (!uid) return;
      this.uidToKey.set(uid, cacheKey(pod));
      this.queue.add(uid);
    };
    this.pods.onAdd((pod) => {
      if (pod.metadata.uid) this.trace.mark(pod.metadata.uid, cacheKey(pod), 'seen');
      enqueue(pod);
    });
    this.pods.onUpdate((_old, pod) => enqueue(pod));
    this.pods.onDelete((pod) => {
      if (pod.metadata.uid) this.queue.add(pod.metadata.uid);
    });
    this.pods.start();
    this.services.start();
    this.heartbeat.start();
    this.workers = runController({
      name: 'agent',
      queue: this.queue,
      workers: this.options.podWorkers ?? DEFAULT_POD_WORKERS,
      sync: async (uid) => {
        const pod = this.podByUid(uid);
        if (!pod) {
          // Until the first pod list arrived, a uid the cache lacks (queued by the relist of a
          // restarted agent) may well be a pod still bound here: tearing it down would restart
          // what should be adopted, and with the API away, stop pods that must keep running.
          if (!this.pods.hasSynced()) return { requeueAfterMs: UNSYNCED_RETRY_MS };
          this.uidToKey.delete(uid);
        } else {
          this.trace.mark(uid, cacheKey(pod), 'syncStart');
        }
        const outcome = await this.syncer.sync(uid, pod);
        return outcome.requeueAfterMs !== undefined ? { requeueAfterMs: outcome.requeueAfterMs } : undefined;
      },
      onError: (uid, err) => this.logger.warn(`pod ${this.uidToKey.get(uid) ?? uid}: sync failed, will retry: ${(err as Error).message}`),
    });
    this.scheduleRelist();
    this.scheduleResync();
  }

  /** The ClusterIP of kube-system/kube-dns (the DNS plugin publishes it), when there is one. */
  private dnsServiceIPs(): string[] {
    const ip = this.services.cache.get(DNS_SERVICE)?.spec?.clusterIP;
    return ip && ip !== 'None' ? [ip] : [];
  }

  private podByUid(uid: string): Pod | undefined {
    const key = this.uidToKey.get(uid);
    const pod = key ? this.pods.cache.get(key) : undefined;
    return pod?.metadata.uid === uid ? pod : undefined;
  }

  /** kubelet's PLEG: list the runtime's containers and queue the pods whose containers changed. */
  private async relist(): Promise<void> {
    let containers;
    try {
      containers = await this.options.runtime.listContainers();
      this.runtimeHealthy = true;
    } catch (err) {
      if (this.runtimeHealthy) this.logger.warn(`runtime ${this.options.runtime.name}: listing containers failed: ${(err as Error).message}`);
      this.runtimeHealthy = false;
      return;
    }
    const seen = new Set<string>();
    for (const c of containers) {
      const uid = c.labels[POD_UID];
      if (!uid) continue;
      seen.add(c.id);
      const state = `${uid} ${c.state}`;
      if (this.containerStates.get(c.id) !== state) {
        this.containerStates.set(c.id, state);
        this.queue.add(uid);
      }
    }
    for (const [id, state] of this.containerStates) {
      if (seen.has(id)) continue;
      this.containerStates.delete(id);
      this.queue.add(state.slice(0, state.indexOf(' ')));
    }
  }

  private scheduleRelist(): void {
    if (this.stopping) return;
    this.relistTimer = setTimeout(() => void this.relist().finally(() => this.scheduleRelist()), this.timing.relistMs);
    this.relistTimer.unref();
  }

  /** Every pod again, and sandboxes of pods this node no longer has (only once the pod list is known). */
  private async resync(): Promise<void> {
    for (const pod of this.pods.cache.list()) if (pod.metadata.uid) this.queue.add(pod.metadata.uid);
    if (!this.pods.hasSynced()) return;
    try {
      for (const sandbox of await this.options.runtime.listPodSandboxes()) {
        const uid = sandbox.labels[POD_UID];
        if (uid && !this.podByUid(uid)) this.queue.add(uid);
      }
    } catch (err) {
      this.logger.warn(`runtime ${this.options.runtime.name}: listing sandboxes failed: ${(err as Error).message}`);
    }
  }

  private scheduleResync(): void {
    if (this.stopping) return;
    const first = !this.resyncTimer;
    // The first look for orphans comes soon after start, once the pod list had a chance to arrive.
    this.resyncTimer = setTimeout(() => void this.resync().finally(() => this.scheduleResync()), first ? Math.min(2_000, this.timing.resyncMs) : this.timing.resyncMs);
    this.resyncTimer.unref();
  }

  /** For logs and exec: the runtime container behind a pod's container (or its previous instance). */
  private async lookup(namespace: string, podName: string, container: string, previous: boolean): Promise<string> {
    const pod = this.pods.cache.get(`${namespace}/${podName}`);
    if (!pod?.metadata.uid) throw ApiError.notFound('pods', podName);
    const state = await podRuntimeState(this.options.runtime, pod.metadata.uid);
    const instances = instancesOf(state, container);
    const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
    const reported = statuses.find((s) => s.name === container);
    if (previous) {
      // The instance the pod's status names as lastState, else the one before the newest.
      const lastId = reported?.lastState?.terminated?.containerID?.replace(/^[^:]*:\/\//, '');
      const prior = instances.find((c) => c.id === lastId) ?? instances[1];
      if (!prior) throw ApiError.badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
      return prior.id;
    }
    const latest = instances[0];
    if (!latest) {
      const waiting = reported?.state?.waiting?.reason ?? 'ContainerCreating';
      throw ApiError.badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting}`);
    }
    return latest.id;
  }
}
