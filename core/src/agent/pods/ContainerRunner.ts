import { defaultPullPolicy } from '../../api/defaults/pod.js';
import type { Container, Pod } from '../../api/types.js';
import type { ContainerLifecycleContext, PodSandboxConfig } from '../../kernel/contracts/runtime.js';
import { runAction } from '../probes/actions.js';
import { CrashBackoff } from './backoff.js';
import { containerConfig } from './containerConfig.js';
import { ContainerConfigError, containerEnv, type ConfigSource } from './env.js';
import type { PodContext } from './context.js';
import { ImagePresence } from './imagePresence.js';
import type { Waiting } from './status.js';
import { containerMounts } from './volumes.js';

// Starting and stopping one container, as kubelet's kuberuntime does: the image by its pull
// policy, the config with its environment and mounts, the life-cycle hooks around it, the
// postStart and preStop handlers, and the grace period.

const POST_START_TIMEOUT_MS = 30_000;

export interface StartRequest {
  pod: Pod;
  container: Container;
  init: boolean;
  restartCount: number;
  sandboxId: string;
  sandbox: PodSandboxConfig;
  podIP: string;
  /** Where httpGet/tcpSocket handlers go. */
  probeHost: string;
  volumes: ReadonlyMap<string, string>;
  config: ConfigSource;
  /** Why the container waits, when it does not start: set here. */
  waiting: Map<string, Waiting>;
}

export function fieldPath(pod: Pod, name: string): string {
  const init = (pod.spec.initContainers ?? []).some((c) => c.name === name);
  return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
}

export class ContainerRunner {
  /** Failed pulls back off like crashing containers. */
  private readonly pullBackoff: CrashBackoff;
  private readonly lastPullFailure = new Map<string, number>();
  private readonly images: ImagePresence;

  constructor(private readonly ctx: PodContext) {
    this.images = new ImagePresence(ctx.runtime);
    this.pullBackoff = new CrashBackoff({ initialMs: ctx.timing.backoffInitialMs, maxMs: ctx.timing.backoffMaxMs, resetMs: Infinity });
  }

  /**
   * Creates and starts the container; returns its id, or undefined when it could not start
   * (the reason is in `waiting`; the caller requeues after `retryAfterMs`).
   */
  async start(req: StartRequest): Promise<{ id?: string; retryAfterMs?: number }> {
    const { pod, container } = req;
    const path = fieldPath(pod, container.name);
    const mark = (step: string): void => this.ctx.trace.mark(pod.metadata.uid!, `${pod.metadata.namespace}/${pod.metadata.name}`, `${step}:${container.name}`);
    const pulled = await this.ensureImage(req, path);
    if (pulled !== true) return { retryAfterMs: pulled };
    mark('imageReady');
    let config;
    try {
      const env = await containerEnv(container, {
        pod,
        podIP: req.podIP,
        hostIP: this.ctx.nodeIP,
        services: this.ctx.services(),
        allocatable: this.ctx.allocatable(),
        config: req.config,
      });
      config = containerConfig(pod, container, { env, mounts: containerMounts(container, req.volumes), restartCount: req.restartCount, init: req.init });
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      req.waiting.set(container.name, { reason: 'CreateContainerConfigError', message: err.message });
      this.ctx.events.emit(pod, 'Warning', 'Failed', `Error: ${err.message}`, path);
      return { retryAfterMs: 2_000 };
    }
    const lifecycle: ContainerLifecycleContext = { pod, container, sandboxId: req.sandboxId, runtime: this.ctx.runtime };
    if (this.ctx.hooks) config = await this.ctx.hooks.beforeContainerStart.promise(config, lifecycle);
    let id: string;
    try {
      id = await this.ctx.runtime.createContainer(req.sandboxId, config, req.sandbox);
    } catch (err) {
      this.images.forget(config.image);
      req.waiting.set(container.name, { reason: 'CreateContainerError', message: (err as Error).message });
      this.ctx.events.emit(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`, path);
      return { retryAfterMs: 2_000 };
    }
    mark('containerCreated');
    this.ctx.events.emit(pod, 'Normal', 'Created', `Created container ${container.name}`, path);
    try {
      await this.ctx.runtime.startContainer(id);
    } catch (err) {
      req.waiting.set(container.name, { reason: 'RunContainerError', message: (err as Error).message });
      this.ctx.events.emit(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`, path);
      return { id, retryAfterMs: 2_000 };
    }
    mark('containerStarted');
    req.waiting.delete(container.name);
    this.ctx.events.emit(pod, 'Normal', 'Started', `Started container ${container.name}`, path);
    const started = { ...lifecycle, containerId: id };
    if (this.ctx.hooks) {
      void this.ctx.hooks.afterContainerStart.promise(started).catch((err: Error) => this.ctx.logger.warn(`afterContainerStart for ${describe(pod, container)}: ${err.message}`));
    }
    const postStart = container.lifecycle?.postStart;
    if (postStart) {
      const result = await runAction(postStart, { runtime: this.ctx.runtime, containerId: id, container, host: req.probeHost }, POST_START_TIMEOUT_MS).catch((err: Error) => ({ ok: false, message: err.message }));
      if (!result.ok) {
        this.ctx.events.emit(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message}`, path);
        await this.kill(pod, container, id, pod.spec.terminationGracePeriodSeconds ?? 30, 'FailedPostStartHook', req.probeHost, false);
      }
    }
    return { id };
  }

  /** Pulls the image as the policy says; true when present, else the ms to wait before trying again. */
  private async ensureImage(req: StartRequest, path: string): Promise<true | number> {
    const { pod, container } = req;
    const image = container.image ?? '';
    const policy = container.imagePullPolicy ?? defaultPullPolicy(image);
    // Always pulls anyway; the other policies may use a recent answer.
    const present = policy === 'Always' ? undefined : await this.images.status(image);
    if (policy === 'Never') {
      if (present) return true;
      const message = `Container image "${image}" is not present with pull policy of Never`;
      req.waiting.set(container.name, { reason: 'ErrImageNeverPull', message });
      this.ctx.events.emit(pod, 'Warning', 'ErrImageNeverPull', message, path);
      return 10_000;
    }
    if (policy === 'IfNotPresent' && present) {
      this.ctx.events.emit(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, path);
      return true;
    }
    const key = `${pod.metadata.uid}/${container.name}/${image}`;
    const failedAt = this.lastPullFailure.get(key);
    if (failedAt !== undefined) {
      const wait = this.pullBackoff.remaining(key, undefined, failedAt, Date.now());
      if (wait > 0) {
        const message = `Back-off pulling image "${image}"`;
        req.waiting.set(container.name, { reason: 'ImagePullBackOff', message });
        this.ctx.events.emit(pod, 'Normal', 'BackOff', message, path);
        return wait;
      }
    }
    this.ctx.events.emit(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, path);
    const began = Date.now();
    try {
      await this.ctx.runtime.pullImage(image);
    } catch (err) {
      const now = Date.now();
      this.lastPullFailure.set(key, now);
      this.pullBackoff.restarted(key, now);
      const message = `Failed to pull image "${image}": ${(err as Error).message}`;
      req.waiting.set(container.name, { reason: 'ErrImagePull', message });
      this.ctx.events.emit(pod, 'Warning', 'Failed', message, path);
      return this.pullBackoff.remaining(key, undefined, now, now) || 1_000;
    }
    this.lastPullFailure.delete(key);
    this.ctx.events.emit(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${Date.now() - began}ms`, path);
    return true;
  }

  /**
   * Stops a running container: preStop first, then TERM with what is left of the grace period.
   * `container` is undefined for a container no longer in the spec.
   */
  async kill(pod: Pod, container: Container | undefined, containerId: string, graceSeconds: number, message: string, host: string, emit = true): Promise<void> {
    const began = Date.now();
    const name = container?.name ?? 'unknown';
    if (emit) this.ctx.events.emit(pod, 'Normal', 'Killing', `Stopping container ${name}${message ? `: ${message}` : ''}`, fieldPath(pod, name));
    const before = await this.ctx.runtime.containerStatus(containerId);
    const running = before?.state === 'CONTAINER_RUNNING';
    const lifecycle: ContainerLifecycleContext | undefined = container && { pod, container, sandboxId: before?.podSandboxId ?? '', containerId, runtime: this.ctx.runtime };
    if (lifecycle && running) {
      if (this.ctx.hooks) await this.ctx.hooks.beforeContainerStop.promise(lifecycle).catch((err: Error) => this.ctx.logger.warn(`beforeContainerStop: ${err.message}`));
      const preStop = container!.lifecycle?.preStop;
      if (preStop) {
        const result = await runAction(preStop, { runtime: this.ctx.runtime, containerId, container: container!, host }, graceSeconds * 1000).catch(
          (err: Error) => ({ ok: false, message: err.message }),
        );
        if (!result.ok) this.ctx.events.emit(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message}`, fieldPath(pod, name));
      }
    }
    const left = Math.max(0, graceSeconds - Math.floor((Date.now() - began) / 1000));
    await this.ctx.runtime.stopContainer(containerId, left);
    this.ctx.probes.remove(containerId);
    if (lifecycle && this.ctx.hooks) {
      const status = await this.ctx.runtime.containerStatus(containerId);
      await this.ctx.hooks.afterContainerStop.promise(lifecycle, status).catch((err: Error) => this.ctx.logger.warn(`afterContainerStop: ${err.message}`));
    }
  }

  forgetPod(uid: string): void {
    for (const key of [...this.lastPullFailure.keys()]) if (key.startsWith(`${uid}/`)) this.lastPullFailure.delete(key);
    this.pullBackoff.forgetPod(uid);
  }
}

function describe(pod: Pod, c: Container): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`;
}
