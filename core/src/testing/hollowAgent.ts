// HollowAgent: kubemark's hollow kubelet, through the API. It plays the node agent of N nodes
// without running anything, so controllers, the scheduler and benchmarks see a cluster:
// - registers N Node objects (makeHollowNodes' shape: capacity/allocatable, Ready=True, an
//   InternalIP), and reports their status again every `nodeStatusIntervalMs`;
// - renews one Lease per node in kube-node-lease (name = node name, holderIdentity,
//   leaseDurationSeconds, renewTime) every `leaseRenewIntervalMs`, a bounded number of writes
//   at a time so 5,000 nodes are cheap (`leases: false` turns this off);
// - watches Pods bound to its nodes and marks them Running and Ready through pods/status
//   (phase, PodScheduled/Initialized/ContainersReady/Ready, podIP from the node's fake range,
//   hostIP, startTime, running containerStatuses) after `startDelayMs` (`runPods: false`: it
//   leaves them Pending);
// - ends pods that ask for it: the annotation `hollow.corral.dev/exit-code: "N"` (or the
//   `outcome` option) stops the containers with exit code N after `hollow.corral.dev/run-ms`
//   (default 0) of running: restartPolicy Never makes the pod Succeeded (0) or Failed (else);
//   OnFailure restarts a failed container (restartCount + 1), Always restarts any;
// - completes graceful deletion: a pod with a deletionTimestamp is deleted with
//   gracePeriodSeconds 0;
// - `loseNode(name)` stops one node's heartbeats and its pods' updates (a lost node);
//   `stop()` stops everything (the Node and Lease objects stay, as a dead kubelet's do).
import type { Condition, ContainerStatus, Lease, Node, Pod } from '../api/types.js';
import { ApiError } from '../api/errors.js';
import { PODS, type ApiClient } from '../client/ApiClient.js';
import type { ResourceRef } from '../client/discovery.js';
import { informerFor, type Informer } from '../client/informer/Informer.js';
import { LEASES } from '../client/leader/LeaderElector.js';
import { makeHollowNodes, type HollowNodeOptions } from './hollow.js';

export const EXIT_CODE_ANNOTATION = 'hollow.corral.dev/exit-code';
export const RUN_MS_ANNOTATION = 'hollow.corral.dev/run-ms';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

const NODES: ResourceRef = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
/** Conflicting status writes retried at registration before giving up. */
const STATUS_CONFLICT_RETRIES = 10;

export interface HollowAgentOptions extends Partial<HollowNodeOptions> {
  client: ApiClient;
  /** How many nodes. */
  nodes: number;
  /** Renew node Leases (default true). */
  leases?: boolean;
  leaseDurationSeconds?: number;
  /** Default 10 s (a quarter of the 40 s lease, as the kubelet does). */
  leaseRenewIntervalMs?: number;
  /** Node status (Ready heartbeat) reports; default 5 min, as the kubelet does with leases. */
  nodeStatusIntervalMs?: number;
  /** Mark bound pods Running (default true). */
  runPods?: boolean;
  /** Delay between seeing a pod bound and reporting it Running. Default 0. */
  startDelayMs?: number;
  /** How a pod's containers end, when the exit-code annotation does not say. */
  outcome?: (pod: Pod) => { exitCode: number; runMs?: number } | undefined;
  /** API writes in flight at once. Default 32. */
  concurrency?: number;
  /** Failed writes (they are not retried: the next event or tick writes again). Default: stderr. */
  onError?: (message: string) => void;
}

interface PodState {
  phase: 'starting' | 'running' | 'ended' | 'deleting';
  timer?: NodeJS.Timeout;
  restarts: number;
  startTime?: string;
}

export class HollowAgent {
  readonly nodeNames: string[];
  private readonly nodeIndex = new Map<string, number>();
  private readonly nodeUids = new Map<string, string>();
  private readonly lost = new Set<string>();
  private readonly pods = new Map<string, PodState>();
  private readonly podIpNext = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private informer: Informer<Pod> | undefined;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private stopped = false;
  private readonly concurrency: number;

  private constructor(private readonly options: HollowAgentOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 32);
    const prefix = options.prefix ?? 'hollow-node-';
    this.nodeNames = Array.from({ length: options.nodes }, (_, i) => `${prefix}${i}`);
    this.nodeNames.forEach((name, i) => this.nodeIndex.set(name, i));
  }

  /** Registers the nodes (and their leases), then starts running pods. */
  static async start(options: HollowAgentOptions): Promise<HollowAgent> {
    const agent = new HollowAgent(options);
    await agent.register();
    if (options.runPods !== false) await agent.watchPods();
    if (options.leases !== false) agent.every(options.leaseRenewIntervalMs ?? 10_000, () => agent.renewLeases());
    agent.every(options.nodeStatusIntervalMs ?? 300_000, () => agent.reportNodes());
    return agent;
  }

  /** The node's address: 172.16.x.y. */
  hostIP(nodeName: string): string {
    const i = this.nodeIndex.get(nodeName) ?? 0;
    return `172.16.${(i >> 8) & 255}.${i & 255}`;
  }

  /** Stops the node's lease renewals, status reports and pod updates: a lost node. */
  loseNode(nodeName: string): void {
    if (!this.nodeIndex.has(nodeName)) throw new Error(`no hollow node "${nodeName}"; this agent has ${this.nodeNames[0]} .. ${this.nodeNames.at(-1)}`);
    this.lost.add(nodeName);
  }

  /** The node reports again (its pods are looked at anew). */
  reviveNode(nodeName: string): void {
    this.lost.delete(nodeName);
    void this.renewLeases([nodeName]);
    // As a kubelet does when its stored status differs from its own: report at once.
    void this.reportNodes([nodeName]);
    // What the node missed while lost (starts, ends) is reported now, from each pod's current state.
    for (const pod of this.informer?.cache.byIndex('nodeName', nodeName) ?? []) {
      const state = this.pods.get(pod.metadata.uid!);
      if (state?.phase === 'deleting') continue;
      if (state?.timer) clearTimeout(state.timer);
      this.pods.delete(pod.metadata.uid!);
      this.onPod(pod);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const state of this.pods.values()) if (state.timer) clearTimeout(state.timer);
    await this.informer?.stop();
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  }

  // ------------------------------------------------------------------ nodes and leases

  private nodeObjects(): Node[] {
    const o = this.options;
    const nodes = makeHollowNodes(o.nodes, {
      cpu: o.cpu ?? '4',
      memory: o.memory ?? '16Gi',
      pods: o.pods ?? 110,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.taints ? { taints: o.taints } : {}),
      ...(o.zones ? { zones: o.zones } : {}),
      ...(o.prefix ? { prefix: o.prefix } : {}),
    });
    const now = new Date().toISOString();
    for (const node of nodes) {
      delete node.metadata.uid;
      const name = node.metadata.name!;
      node.status!.addresses = [
        { type: 'InternalIP', address: this.hostIP(name) },
        { type: 'Hostname', address: name },
      ];
      node.status!.conditions = node.status!.conditions!.map((c): Condition => ({ ...c, message: 'hollow node is ready', lastHeartbeatTime: now, lastTransitionTime: now }));
      node.status!.nodeInfo = { kubeletVersion: 'hollow', containerRuntimeVersion: 'hollow://0', operatingSystem: 'linux', architecture: 'amd64' } as never;
    }
    return nodes;
  }

  private async register(): Promise<void> {
    const { client } = this.options;
    await Promise.all(
      this.nodeObjects().map((node) =>
        this.limit(async () => {
          let written: Node;
          try {
            written = await client.create<Node>(NODES, node);
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 409)) throw err;
            written = await client.get<Node>(NODES, node.metadata.name!);
          }
          // Creating a Node may drop its status (the status subresource owns it).
          written = await this.writeNodeStatus(written, node.status!);
          this.nodeUids.set(node.metadata.name!, written.metadata.uid!);
        }),
      ),
    );
    if (this.options.leases !== false) await this.renewLeases();
  }

  /**
   * Writes `status` over the node's. A conflict means another writer (node-lifecycle marking a
   * node whose lease went stale while the server was away) got there first: read it again and
   * write again, as a kubelet does.
   */
  private async writeNodeStatus(node: Node, status: NonNullable<Node['status']>): Promise<Node> {
    const { client } = this.options;
    let current = node;
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.updateStatus<Node>(NODES, { ...current, status });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409) || attempt >= STATUS_CONFLICT_RETRIES || this.stopped) throw err;
        current = await client.get<Node>(NODES, node.metadata.name!);
      }
    }
  }

  private async renewLeases(names: readonly string[] = this.nodeNames): Promise<void> {
    const { client } = this.options;
    const duration = this.options.leaseDurationSeconds ?? 40;
    await Promise.all(
      names
        .filter((n) => !this.lost.has(n))
        .map((name) =>
          this.limit(async () => {
            const renewTime = new Date().toISOString();
            try {
              await client.patch(LEASES, name, { spec: { holderIdentity: name, leaseDurationSeconds: duration, renewTime } }, 'merge', { namespace: NODE_LEASE_NAMESPACE });
            } catch (err) {
              if (!(err instanceof ApiError && err.code === 404)) return;
              const lease: Lease = {
                apiVersion: 'coordination.k8s.io/v1',
                kind: 'Lease',
                metadata: {
                  name,
                  namespace: NODE_LEASE_NAMESPACE,
                  ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: this.nodeUids.get(name) ?? '' }],
                },
                spec: { holderIdentity: name, leaseDurationSeconds: duration, renewTime },
              };
              await client.create(LEASES, lease, { namespace: NODE_LEASE_NAMESPACE }).catch(() => undefined);
            }
          }),
        ),
    );
  }

  private async reportNodes(names: readonly string[] = this.nodeNames): Promise<void> {
    const now = new Date().toISOString();
    const ready: Condition = { type: 'Ready', status: 'True', reason: 'HollowReady', message: 'hollow node is ready', lastHeartbeatTime: now };
    await Promise.all(
      names
        .filter((n) => !this.lost.has(n))
        .map((name) => this.limit(() => this.options.client.patch(NODES, name, { status: { conditions: [ready] } }, 'strategic', { subresource: 'status' }).catch(() => undefined))),
    );
  }

  // ------------------------------------------------------------------ pods

  private async watchPods(): Promise<void> {
    const informer = (this.informer = informerFor<Pod>(this.options.client, PODS, {
      indexers: { nodeName: (p) => (p.spec?.nodeName && this.nodeIndex.has(p.spec.nodeName) ? [p.spec.nodeName] : []) },
    }));
    informer.onAdd((pod) => this.onPod(pod));
    informer.onUpdate((_old, pod) => this.onPod(pod));
    informer.onDelete((pod) => {
      const state = this.pods.get(pod.metadata.uid!);
      if (state?.timer) clearTimeout(state.timer);
      this.pods.delete(pod.metadata.uid!);
    });
    informer.start();
    await informer.waitForSync();
  }

  private onPod(pod: Pod): void {
    const node = pod.spec?.nodeName;
    if (this.stopped || !node || !this.nodeIndex.has(node) || this.lost.has(node)) return;
    const uid = pod.metadata.uid!;
    let state = this.pods.get(uid);
    if (pod.metadata.deletionTimestamp) {
      if (state?.phase === 'deleting') return;
      if (state?.timer) clearTimeout(state.timer);
      this.pods.set(uid, (state = { phase: 'deleting', restarts: state?.restarts ?? 0 }));
      void this.limit(() =>
        this.options.client
          .delete(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid } })
          .catch(() => undefined),
      );
      return;
    }
    if (state) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (phase === 'Running') {
      // Running already (an agent before this one): only its end, if it has one, is ours.
      this.pods.set(uid, (state = { phase: 'running', restarts: pod.status?.containerStatuses?.[0]?.restartCount ?? 0, startTime: pod.status?.startTime }));
      this.scheduleEnd(pod, state);
      return;
    }
    this.pods.set(uid, (state = { phase: 'starting', restarts: 0 }));
    this.after(state, this.options.startDelayMs ?? 0, () => this.markRunning(pod, state!));
  }

  private async markRunning(pod: Pod, state: PodState): Promise<void> {
    const node = pod.spec.nodeName!;
    const now = new Date().toISOString();
    state.startTime ??= now;
    const podIP = this.podIP(node);
    const status = {
      phase: 'Running',
      conditions: conditions(now, true),
      hostIP: this.hostIP(node),
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: state.startTime,
      containerStatuses: containerStatuses(pod, { running: { startedAt: now } }, true, state.restarts),
    };
    if (!(await this.writeStatus(pod, status))) return;
    state.phase = 'running';
    this.scheduleEnd(pod, state);
  }

  private scheduleEnd(pod: Pod, state: PodState): void {
    const outcome = outcomeOf(pod) ?? this.options.outcome?.(pod);
    if (!outcome) return;
    // A restarted container waits a short crash-loop backoff first (the kubelet's, scaled down).
    const backoff = state.restarts > 0 ? Math.min(5_000, 50 * 2 ** (state.restarts - 1)) : 0;
    this.after(state, (outcome.runMs ?? 0) + backoff, () => this.end(pod, state, outcome.exitCode));
  }

  private async end(pod: Pod, state: PodState, exitCode: number): Promise<void> {
    const now = new Date().toISOString();
    const policy = pod.spec.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    const terminated = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: state.startTime, finishedAt: now } };
    if (restart) {
      state.restarts++;
      const status = { containerStatuses: containerStatuses(pod, { running: { startedAt: now } }, true, state.restarts, terminated) };
      if (await this.writeStatus(pod, status)) this.scheduleEnd(pod, state);
      return;
    }
    const status = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: conditions(now, false, exitCode === 0 ? 'PodCompleted' : 'PodFailed'),
      containerStatuses: containerStatuses(pod, terminated, false, state.restarts),
    };
    if (await this.writeStatus(pod, status)) state.phase = 'ended';
  }

  /** Writes the pod's status, retrying (as a kubelet does) while the API is away; false once there is no point. */
  private async writeStatus(pod: Pod, status: Record<string, unknown>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped || this.lost.has(pod.spec.nodeName!) || this.pods.get(pod.metadata.uid!)?.phase === 'deleting') return false;
      const written = await this.limit(async () => {
        try {
          await this.options.client.patch(PODS, pod.metadata.name!, { status }, 'merge', { namespace: pod.metadata.namespace, subresource: 'status' });
          return true;
        } catch (err) {
          // Deleted meanwhile is normal.
          if (err instanceof ApiError && err.code === 404) return false;
          if (attempt === 0) this.report(`status of pod ${pod.metadata.namespace}/${pod.metadata.name}: ${err instanceof Error ? err.message : String(err)}; retrying`);
          return undefined;
        }
      });
      if (written !== undefined) return written;
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }

  private podIP(node: string): string {
    const i = this.nodeIndex.get(node) ?? 0;
    const n = this.podIpNext.get(node) ?? 2;
    this.podIpNext.set(node, n >= 254 ? 2 : n + 1);
    return `10.${64 + ((i >> 8) & 63)}.${i & 255}.${n}`;
  }

  // ------------------------------------------------------------------ plumbing

  private report(message: string): void {
    if (this.stopped) return;
    (this.options.onError ?? ((m: string) => process.stderr.write(`hollow agent: ${m}\n`)))(message);
  }

  private after(state: PodState, ms: number, fn: () => Promise<void>): void {
    const run = (): void => {
      state.timer = undefined;
      if (!this.stopped) void fn();
    };
    if (ms <= 0) return void queueMicrotask(run);
    state.timer = setTimeout(run, ms);
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const tick = (): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.stopped) return;
        void fn().finally(() => !this.stopped && tick());
      }, ms);
      timer.unref();
      this.timers.add(timer);
    };
    tick();
  }

  /** Runs `fn` when fewer than `concurrency` writes are in flight. */
  private async limit<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }
}

function outcomeOf(pod: Pod): { exitCode: number; runMs: number } | undefined {
  const annotations = pod.metadata.annotations ?? {};
  const code = annotations[EXIT_CODE_ANNOTATION];
  if (code === undefined || !/^-?\d+$/.test(code.trim())) return undefined;
  const runMs = Number(annotations[RUN_MS_ANNOTATION] ?? '0');
  return { exitCode: Number(code), runMs: Number.isFinite(runMs) && runMs > 0 ? runMs : 0 };
}

function conditions(now: string, ready: boolean, reason?: string): Condition[] {
  const readyCondition = (type: string): Condition => ({ type, status: ready ? 'True' : 'False', lastTransitionTime: now, ...(reason ? { reason } : {}) });
  return [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastTransitionTime: now },
    readyCondition('ContainersReady'),
    readyCondition('Ready'),
  ];
}

function containerStatuses(pod: Pod, state: ContainerStatus['state'], ready: boolean, restartCount: number, lastState?: ContainerStatus['state']): ContainerStatus[] {
  return pod.spec.containers.map((c) => ({
    name: c.name,
    state,
    ...(lastState ? { lastState } : {}),
    ready,
    started: ready,
    restartCount,
    image: c.image ?? '',
    imageID: `hollow://${c.image ?? ''}`,
    containerID: `hollow://${pod.metadata.uid}/${c.name}`,
  }));
}
