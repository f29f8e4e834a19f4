import { join } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import type { Container, Pod, PodStatus } from '../../api/types.js';
import type { ContainerStatus as RuntimeContainer, PodSandboxConfig, PodSandboxStatus } from '../../kernel/contracts/runtime.js';
import { CONTAINER_NAME, POD_IP, POD_NAME, POD_NAMESPACE, SANDBOX_ATTEMPT } from '../labels.js';
import { admit } from './admission.js';
import { CrashBackoff } from './backoff.js';
import { apiConfigSource } from './configSource.js';
import { ContainerRunner, fieldPath } from './ContainerRunner.js';
import { sandboxConfig } from './containerConfig.js';
import type { PodContext } from './context.js';
import { parseResolvConf, podDns, type DnsSettings } from './dns.js';
import { ContainerConfigError } from './env.js';
import { instancesOf, podRuntimeState, restartCountOf, type PodRuntimeState } from './runtimeState.js';
import { computePodStatus, type Waiting } from './status.js';
import { PodStatusWriter } from './statusWriter.js';
import { podDir, prepareVolumes } from './volumes.js';

// One pod's sync, level-triggered like kubelet's SyncPod: compare what the spec asks for with
// what the runtime runs, do the next steps (sandbox, init containers one by one, then the app
// containers, restarts by policy with back-off, kills for failed probes), then report status.
// Pods being deleted are stopped and their deletion confirmed; pods gone are cleaned up.

/** The minimum grace kubelet gives a pod it stops. */
const MIN_GRACE_SECONDS = 2;

export type SyncOutcome = { requeueAfterMs?: number };

function isTerminal(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

export class PodSyncer {
  private readonly runner: ContainerRunner;
  private readonly crash: CrashBackoff;
  private readonly status: PodStatusWriter;
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  private readonly admitted = new Set<string>();
  /** The sandbox configs of this process's life (rebuilt after a restart). */
  private readonly sandboxes = new Map<string, PodSandboxConfig>();
  private readonly startTimes = new Map<string, string>();
  /** The last spec seen of each pod, to stop its containers properly once it is gone. */
  private readonly lastSeen = new Map<string, Pod>();

  constructor(
    private readonly ctx: PodContext,
    /** The pods bound to this node that the informer holds. */
    private readonly boundPods: () => Pod[],
  ) {
    this.runner = new ContainerRunner(ctx);
    this.crash = new CrashBackoff({ initialMs: ctx.timing.backoffInitialMs, maxMs: ctx.timing.backoffMaxMs, resetMs: ctx.timing.backoffResetMs });
    this.status = new PodStatusWriter(ctx.client);
  }

  async sync(uid: string, pod: Pod | undefined): Promise<SyncOutcome> {
    if (!pod) {
      await this.teardown(uid, this.lastSeen.get(uid));
      return {};
    }
    this.lastSeen.set(uid, pod);
    if (pod.metadata.deletionTimestamp) {
      await this.terminate(pod);
      return {};
    }
    let state = await podRuntimeState(this.ctx.runtime, uid);
    this.mark(pod, 'stateRead');
    if (isTerminal(pod.status?.phase)) {
      await this.stopPod(pod, state, MIN_GRACE_SECONDS);
      return {};
    }
    if (!this.admitted.has(uid)) {
      const rejected = this.admit(pod, state);
      if (rejected) {
        await this.status.write(pod, rejected);
        return {};
      }
    }
    const waiting = this.waitingOf(uid);
    let sandbox = state.sandboxes.find((s) => s.state === 'SANDBOX_READY');
    if (!sandbox) {
      if (this.finishedForGood(pod, state)) return this.report(pod, state, undefined);
      await this.stopPod(pod, state, pod.spec.terminationGracePeriodSeconds ?? 30);
      sandbox = await this.createSandbox(pod, state);
      state = await podRuntimeState(this.ctx.runtime, uid);
    }
    const hostNetwork = pod.spec.hostNetwork === true || !this.ctx.podNetwork;
    const podIP = hostNetwork ? this.ctx.nodeIP : (sandbox.ip ?? sandbox.labels[POD_IP] ?? this.ctx.nodeIP);
    const config = await this.sandboxConfigOf(pod, sandbox, hostNetwork);
    const probeHost = hostNetwork ? '127.0.0.1' : podIP;
    const configSource = apiConfigSource(this.ctx.client);
    let volumes: Promise<ReadonlyMap<string, string>> | undefined;
    let requeue: number | undefined;
    // Whether this sync changed what runs; if not, the state read at its start still holds.
    let acted = false;
    const later = (ms: number | undefined): void => {
      if (ms !== undefined) requeue = requeue === undefined ? ms : Math.min(requeue, ms);
    };
    const start = async (c: Container, init: boolean): Promise<void> => {
      volumes ??= prepareVolumes(pod, podDir(this.ctx.rootDir, uid), configSource);
      let prepared: ReadonlyMap<string, string>;
      try {
        prepared = await volumes;
      } catch (err) {
        if (!(err instanceof ContainerConfigError)) throw err;
        waiting.set(c.name, { reason: 'CreateContainerConfigError', message: err.message });
        this.ctx.events.emit(pod, 'Warning', 'FailedMount', err.message);
        later(2_000);
        return;
      }
      const [newest] = instancesOf(state, c.name);
      acted = true;
      const result = await this.runner.start({
        pod,
        container: c,
        init,
        restartCount: newest ? restartCountOf(newest) + 1 : 0,
        sandboxId: sandbox.id,
        sandbox: config,
        podIP,
        probeHost,
        volumes: prepared,
        config: configSource,
        waiting,
      });
      later(result.retryAfterMs);
    };
    /** Restarts an exited container unless it is backing off; true when it may restart at all. */
    const restart = async (c: Container, exited: RuntimeContainer, init: boolean): Promise<void> => {
      const key = `${uid}/${c.name}`;
      const now = Date.now();
      const finishedAt = exited.finishedAt ?? now;
      const wait = this.crash.remaining(key, exited.startedAt, finishedAt, now);
      if (wait > 0) {
        const delay = Math.round(this.crash.delayOf(key) / 1000);
        waiting.set(c.name, {
          reason: 'CrashLoopBackOff',
          message: `back-off ${delay}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
        });
        this.ctx.events.emit(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', fieldPath(pod, c.name));
        later(wait);
        return;
      }
      this.crash.restarted(key, finishedAt);
      await start(c, init);
    };
    const policy = pod.spec.restartPolicy ?? 'Always';

    // Init containers: one at a time, each to success, in order.
    let initialized = true;
    for (const c of pod.spec.initContainers ?? []) {
      const [latest] = instancesOf(state, c.name, sandbox.id);
      if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
      initialized = false;
      if (latest?.state === 'CONTAINER_RUNNING') break;
      if (latest?.state === 'CONTAINER_EXITED') {
        if (policy !== 'Never') await restart(c, latest, true);
      } else {
        await start(c, true);
      }
      break;
    }

    if (initialized) {
      for (const c of pod.spec.containers) {
        let [latest] = instancesOf(state, c.name, sandbox.id);
        if (latest?.state === 'CONTAINER_RUNNING') {
          const why = this.ctx.probes.restartReason(latest.id);
          if (!why) {
            waiting.delete(c.name);
            this.ctx.probes.ensure(uid, c, { runtime: this.ctx.runtime, containerId: latest.id, container: c, host: probeHost });
            continue;
          }
          const probe = c.livenessProbe ?? c.startupProbe;
          acted = true;
          await this.runner.kill(pod, c, latest.id, probe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30, why, probeHost);
          latest = (await this.ctx.runtime.containerStatus(latest.id)) ?? latest;
        }
        if (latest?.state === 'CONTAINER_EXITED') {
          const failed = latest.exitCode !== 0;
          if (policy === 'Always' || (policy === 'OnFailure' && failed)) await restart(c, latest, false);
          else waiting.delete(c.name);
        } else if (!latest) {
          await start(c, false);
        } else if (latest.state !== 'CONTAINER_RUNNING') {
          // Created but never started (the agent stopped in between): start it over.
          acted = true;
          await this.ctx.runtime.removeContainer(latest.id);
          await start(c, false);
        }
      }
    }
    if (acted) state = await podRuntimeState(this.ctx.runtime, uid);
    this.ctx.probes.retainPod(uid, new Set(state.containers.filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => c.id)));
    await this.collectGarbage(state);
    const outcome = await this.report(pod, state, podIP);
    return requeue !== undefined ? { requeueAfterMs: requeue } : outcome;
  }

  /** Stops everything of every pod (the agent's shutdown with --keep-pods off). */
  async stopAll(pods: readonly Pod[]): Promise<void> {
    await Promise.all(
      pods.map(async (pod) => {
        const state = await podRuntimeState(this.ctx.runtime, pod.metadata.uid!);
        await this.stopPod(pod, state, pod.spec.terminationGracePeriodSeconds ?? 30);
      }),
    );
  }

  private admit(pod: Pod, state: PodRuntimeState): PodStatus | undefined {
    const uid = pod.metadata.uid!;
    // A pod already running here (an agent restart) or reported as started was admitted before.
    if (state.sandboxes.length > 0 || pod.status?.startTime) {
      this.admitted.add(uid);
      return undefined;
    }
    const others = this.boundPods().filter((p) => p.metadata.uid !== uid && this.admitted.has(p.metadata.uid!) && !isTerminal(p.status?.phase));
    const rejection = admit(pod, others, this.ctx.allocatable());
    if (!rejection) {
      this.admitted.add(uid);
      return undefined;
    }
    this.ctx.events.emit(pod, 'Warning', rejection.reason, rejection.message);
    return {
      ...pod.status,
      phase: 'Failed',
      reason: rejection.reason,
      message: `Pod was rejected: ${rejection.message}`,
      startTime: pod.status?.startTime ?? new Date().toISOString(),
    };
  }

  /** A pod whose containers all ended and will not restart gets no new sandbox. */
  private finishedForGood(pod: Pod, state: PodRuntimeState): boolean {
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Always' || state.sandboxes.length === 0) return false;
    return pod.spec.containers.every((c) => {
      const [latest] = instancesOf(state, c.name);
      return latest?.state === 'CONTAINER_EXITED' && (policy === 'Never' || latest.exitCode === 0);
    });
  }

  private async createSandbox(pod: Pod, state: PodRuntimeState): Promise<PodSandboxStatus> {
    const uid = pod.metadata.uid!;
    const hostNetwork = pod.spec.hostNetwork === true || !this.ctx.podNetwork;
    const attachment = { uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name! };
    const network = hostNetwork || this.ctx.runtime.providesPodNetwork ? undefined : await this.ctx.podNetwork!.setup(attachment);
    const config = sandboxConfig(pod, {
      logDirectory: join(podDir(this.ctx.rootDir, uid), 'logs'),
      attempt: state.sandboxes.length,
      hostNetwork,
      ip: network?.ip,
      netnsPath: network?.netnsPath,
      dns: await this.dnsOf(pod),
    });
    if (state.sandboxes.length > 0) this.ctx.events.emit(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    this.mark(pod, 'sandboxConfigured');
    const id = await this.ctx.runtime.runPodSandbox(config);
    this.mark(pod, 'sandboxRun');
    this.sandboxes.set(id, config);
    const status = await this.ctx.runtime.podSandboxStatus(id);
    if (!status) throw new Error(`the runtime lost sandbox ${id} of pod ${pod.metadata.namespace}/${pod.metadata.name} right after creating it`);
    return { ...status, ip: status.ip ?? network?.ip };
  }

  /** The config a sandbox was made with; after an agent restart, made again (the network setup is idempotent). */
  private async sandboxConfigOf(pod: Pod, sandbox: PodSandboxStatus, hostNetwork: boolean): Promise<PodSandboxConfig> {
    const known = this.sandboxes.get(sandbox.id);
    if (known) return known;
    const uid = pod.metadata.uid!;
    const network = hostNetwork || this.ctx.runtime.providesPodNetwork ? undefined : await this.ctx.podNetwork!.setup({ uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name! });
    const config = sandboxConfig(pod, {
      logDirectory: join(podDir(this.ctx.rootDir, uid), 'logs'),
      attempt: Number(sandbox.labels[SANDBOX_ATTEMPT] ?? 0),
      hostNetwork,
      ip: network?.ip ?? sandbox.ip,
      netnsPath: network?.netnsPath,
    });
    this.sandboxes.set(sandbox.id, config);
    return config;
  }

  /** The pod's resolv.conf settings; a sandbox keeps the ones it was made with. */
  private async dnsOf(pod: Pod): Promise<DnsSettings | undefined> {
    const text = await readFile(this.ctx.resolvConf, 'utf8').catch(() => undefined);
    const dns = podDns(pod, this.ctx.clusterDns(), text === undefined ? undefined : parseResolvConf(text));
    if (dns.warning) this.ctx.events.emit(pod, 'Warning', 'MissingClusterDNS', dns.warning);
    return dns.settings;
  }

  private async report(pod: Pod, state: PodRuntimeState, podIP: string | undefined): Promise<SyncOutcome> {
    const uid = pod.metadata.uid!;
    const now = new Date().toISOString();
    const startTime = pod.status?.startTime ?? this.startTimes.get(uid) ?? now;
    this.startTimes.set(uid, startTime);
    const status = computePodStatus({
      pod,
      state,
      runtimeName: this.ctx.runtime.name,
      podIP: podIP ?? pod.status?.podIP,
      hostIP: this.ctx.nodeIP,
      waiting: this.waitingOf(uid),
      ready: (id) => this.ctx.probes.ready(id),
      started: (id) => this.ctx.probes.started(id),
      now,
      startTime,
    });
    if (isTerminal(status.phase)) await this.stopPod(pod, state, MIN_GRACE_SECONDS);
    this.mark(pod, 'statusComputed');
    if (await this.status.write(pod, status)) {
      this.mark(pod, `status:${status.phase}`);
      if (status.phase !== 'Pending') this.ctx.trace.finished(uid);
    }
    return {};
  }

  /** Keeps, per container, the newest instance and the one before it (for `logs --previous`). */
  private async collectGarbage(state: PodRuntimeState): Promise<void> {
    const names = new Set(state.containers.map((c) => c.labels[CONTAINER_NAME] ?? ''));
    for (const name of names) {
      for (const old of instancesOf(state, name).slice(2)) {
        if (old.state !== 'CONTAINER_RUNNING') await this.ctx.runtime.removeContainer(old.id);
      }
    }
  }

  /** Stops the running containers (preStop, grace), then the sandboxes, and releases the network. */
  private async stopPod(pod: Pod | undefined, state: PodRuntimeState, graceSeconds: number): Promise<void> {
    const uid = pod?.metadata.uid ?? state.sandboxes[0]?.uid ?? '';
    const running = state.containers.filter((c) => c.state === 'CONTAINER_RUNNING');
    const host = pod?.status?.podIP && pod.spec.hostNetwork !== true && this.ctx.podNetwork ? pod.status.podIP : '127.0.0.1';
    const fallback = pod ?? ({ apiVersion: 'v1', kind: 'Pod', metadata: { uid, name: state.sandboxes[0]?.name, namespace: state.sandboxes[0]?.namespace }, spec: { containers: [] } } as Pod);
    await Promise.all(
      running.map((c) => {
        const name = c.labels[CONTAINER_NAME];
        const spec = [...(pod?.spec.containers ?? []), ...(pod?.spec.initContainers ?? [])].find((s) => s.name === name);
        return this.runner.kill(fallback, spec, c.id, Math.max(MIN_GRACE_SECONDS, graceSeconds), '', host);
      }),
    );
    const ready = state.sandboxes.filter((s) => s.state === 'SANDBOX_READY');
    for (const s of ready) await this.ctx.runtime.stopPodSandbox(s.id);
    this.ctx.probes.removePod(uid);
    if (ready.length > 0) await this.releaseNetwork(pod, state);
  }

  private async releaseNetwork(pod: Pod | undefined, state: PodRuntimeState): Promise<void> {
    const sandbox = state.sandboxes[0];
    // A runtime that brings the pod's network takes it away with the sandbox.
    if (!this.ctx.podNetwork || this.ctx.runtime.providesPodNetwork || !sandbox || pod?.spec.hostNetwork === true) return;
    await this.ctx.podNetwork.teardown({ uid: sandbox.uid, namespace: sandbox.labels[POD_NAMESPACE] ?? sandbox.namespace, name: sandbox.labels[POD_NAME] ?? sandbox.name });
  }

  /** The pod has a deletionTimestamp: stop it within its grace, clean up, confirm the deletion. */
  private async terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid!;
    const state = await podRuntimeState(this.ctx.runtime, uid);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    await this.stopPod(pod, state, grace);
    await this.remove(uid, state, pod);
    try {
      await this.ctx.client.delete('pods', pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      const code = (err as { code?: number }).code;
      // Already gone, or a new pod of the same name: nothing left to confirm.
      if (code !== 404 && code !== 409) throw err;
    }
    this.forget(uid);
  }

  /** The pod is gone from the API (or was never known): stop and remove what runs for it. */
  private async teardown(uid: string, lastSeen: Pod | undefined): Promise<void> {
    const state = await podRuntimeState(this.ctx.runtime, uid);
    if (state.sandboxes.length > 0 || state.containers.length > 0) {
      await this.stopPod(lastSeen, state, lastSeen?.spec.terminationGracePeriodSeconds ?? MIN_GRACE_SECONDS);
      await this.remove(uid, state, lastSeen);
    }
    this.forget(uid);
  }

  private async remove(uid: string, state: PodRuntimeState, pod: Pod | undefined): Promise<void> {
    await this.releaseNetwork(pod, state);
    for (const c of state.containers) if (!state.sandboxes.some((s) => s.id === c.podSandboxId)) await this.ctx.runtime.removeContainer(c.id);
    for (const s of state.sandboxes) {
      await this.ctx.runtime.removePodSandbox(s.id);
      this.sandboxes.delete(s.id);
    }
    await rm(podDir(this.ctx.rootDir, uid), { recursive: true, force: true });
  }

  private forget(uid: string): void {
    this.ctx.probes.removePod(uid);
    this.crash.forgetPod(uid);
    this.runner.forgetPod(uid);
    this.status.forget(uid);
    this.waiting.delete(uid);
    this.admitted.delete(uid);
    this.lastSeen.delete(uid);
    this.startTimes.delete(uid);
  }

  private mark(pod: Pod, step: string): void {
    this.ctx.trace.mark(pod.metadata.uid!, `${pod.metadata.namespace}/${pod.metadata.name}`, step);
  }

  private waitingOf(uid: string): Map<string, Waiting> {
    let w = this.waiting.get(uid);
    if (!w) this.waiting.set(uid, (w = new Map()));
    return w;
  }
}
