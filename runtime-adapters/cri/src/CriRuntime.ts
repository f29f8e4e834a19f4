import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import type {
  ContainerConfig,
  ContainerFilter,
  ExecOptions,
  ExecSession,
  ImageInfo,
  LogOptions,
  PodSandboxConfig,
  PodSandboxStatus,
  RuntimeAdapter,
  RuntimeContainerStatus,
  SandboxFilter,
} from '@corral/core/kernel';
import { CriClient, DEFAULT_ENDPOINT } from './cri/CriClient.js';
import { isNotFound } from './cri/errors.js';
import type { CriImage, VersionResponse } from './cri/types.js';
import { fromCriContainerStatus, fromCriImage, fromCriSandboxStatus, toCriContainerConfig, toCriSandboxConfig } from './convert.js';
import { openExecStream } from './exec/remoteCommand.js';
import { readContainerLog } from './logs/readContainerLog.js';
import { ownershipLabels } from './ownership.js';
import { StatusCache } from './statusCache.js';

export interface CriRuntimeOptions {
  /** The CRI socket: `unix:///run/containerd/containerd.sock` by default. */
  readonly endpoint?: string;
  /** Marks this node's pods, so agents sharing one containerd keep apart. */
  readonly nodeName: string;
  /** The cgroup every pod's cgroup is made under; empty leaves it to the runtime. */
  readonly cgroupParent?: string;
  /** The CRI runtime handler (a runtime class) to run pods with; empty for the default. */
  readonly runtimeHandler?: string;
  /** Deadline for an image pull. Default 10 minutes. */
  readonly pullTimeoutMs?: number;
}

const DEFAULT_PULL_TIMEOUT_MS = 10 * 60_000;
/** How long past a stop's grace period to wait for the runtime's answer. */
const STOP_SLACK_MS = 60_000;

/**
 * The RuntimeAdapter over a CRI v1 runtime (containerd's CRI plugin). The contract was cut
 * after CRI, so most calls are one RPC. The runtime sets up each pod's network itself through
 * CNI, from the config in its CNI conf dir: a pod's IP comes from PodSandboxStatus, and
 * `PodSandboxConfig.netnsPath` and `ip` are not used (`hostNetwork` is). So the agent leaves
 * its own pod network alone for these pods (`providesPodNetwork`).
 */
export class CriRuntime implements RuntimeAdapter {
  readonly name = 'cri';
  readonly providesPodNetwork = true;
  private readonly client: CriClient;
  private readonly owner: Record<string, string>;
  private readonly sandboxStatuses = new StatusCache<PodSandboxStatus>();
  private readonly containerStatuses = new StatusCache<RuntimeContainerStatus>();
  /** Each sandbox's attempt number (fixed for its life), which every CreateContainer repeats. */
  private readonly sandboxAttempts = new Map<string, number>();

  constructor(private readonly options: CriRuntimeOptions) {
    this.client = new CriClient(options.endpoint ?? DEFAULT_ENDPOINT);
    this.owner = ownershipLabels(options.nodeName);
  }

  get endpoint(): string {
    return this.client.endpoint;
  }

  /** The runtime's name and versions; a cheap way to check it answers. */
  version(): Promise<VersionResponse> {
    return this.client.runtime('Version', { version: 'v1' });
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    if (!isAbsolute(config.logDirectory)) throw new Error(`pod ${config.namespace}/${config.name}: logDirectory must be absolute, got ${JSON.stringify(config.logDirectory)}`);
    await mkdir(config.logDirectory, { recursive: true });
    // The runtime keeps a name per (pod, attempt) until that sandbox is removed: a new sandbox
    // for the same pod needs the next attempt number.
    const { items } = await this.client.runtime('ListPodSandbox', { filter: { label_selector: this.owner } });
    const attempts = items.filter((s) => s.metadata?.uid === config.uid).map((s) => s.metadata!.attempt);
    const attempt = attempts.length > 0 ? Math.max(...attempts) + 1 : 0;
    const criConfig = toCriSandboxConfig(config, this.options.nodeName, attempt, this.options.cgroupParent ?? '');
    // The runtime pulls its sandbox (pause) image here when it lacks it: allow a pull's time.
    const res = await this.client.runtime('RunPodSandbox', { config: criConfig, runtime_handler: this.options.runtimeHandler ?? '' }, this.pullTimeoutMs);
    this.sandboxAttempts.set(res.pod_sandbox_id, attempt);
    return res.pod_sandbox_id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    await ignoreNotFound(this.client.runtime('StopPodSandbox', { pod_sandbox_id: sandboxId }));
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await ignoreNotFound(this.client.runtime('RemovePodSandbox', { pod_sandbox_id: sandboxId }));
    this.sandboxStatuses.drop(sandboxId);
    this.sandboxAttempts.delete(sandboxId);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    const res = await ignoreNotFound(this.client.runtime('PodSandboxStatus', { pod_sandbox_id: sandboxId }));
    return this.sandboxStatuses.put(sandboxId, res?.status ? fromCriSandboxStatus(res.status) : undefined);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const { items } = await this.client.runtime('ListPodSandbox', {
      filter: {
        ...(filter.id ? { id: filter.id } : {}),
        ...(filter.state ? { state: { state: filter.state } } : {}),
        label_selector: { ...filter.labels, ...this.owner },
      },
    });
    // The list leaves out the IP; the status has it (asked again only when the state changed).
    const statuses = await Promise.all(items.map((s) => this.sandboxStatuses.get(s.id, s.state) ?? this.podSandboxStatus(s.id)));
    if (!filter.id && !filter.state && !filter.labels) this.sandboxStatuses.retainOnly(new Set(items.map((s) => s.id)));
    return statuses.filter((s): s is PodSandboxStatus => s !== undefined);
  }

  async pullImage(image: string): Promise<string> {
    const present = await this.client.image('ImageStatus', { image: { image } });
    if (present.image) return present.image.id;
    const res = await this.client.image('PullImage', { image: { image } }, this.pullTimeoutMs);
    return res.image_ref;
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    const res = await this.client.image('ImageStatus', { image: { image } });
    return res.image ? fromCriImage(res.image) : undefined;
  }

  /** Every image the runtime holds (not only Corral's: images are shared). */
  async listImages(): Promise<CriImage[]> {
    return (await this.client.image('ListImages', {})).images;
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string> {
    // As for sandboxes: a restarted container takes the next attempt number in its sandbox.
    const [{ containers }, sandboxAttempt] = await Promise.all([
      this.client.runtime('ListContainers', { filter: { pod_sandbox_id: sandboxId, label_selector: this.owner } }),
      this.sandboxAttempt(sandboxId),
      mkdir(dirname(join(sandbox.logDirectory, config.logPath)), { recursive: true }),
    ]);
    const attempts = containers.filter((c) => c.metadata?.name === config.name).map((c) => c.metadata!.attempt);
    const attempt = attempts.length > 0 ? Math.max(...attempts) + 1 : 0;
    const res = await this.client.runtime('CreateContainer', {
      pod_sandbox_id: sandboxId,
      config: toCriContainerConfig(config, sandbox, sandboxId, this.options.nodeName, attempt),
      sandbox_config: toCriSandboxConfig(sandbox, this.options.nodeName, sandboxAttempt, this.options.cgroupParent ?? ''),
    });
    return res.container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.client.runtime('StartContainer', { container_id: containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const timeout = Math.max(0, Math.ceil(timeoutSeconds));
    await ignoreNotFound(this.client.runtime('StopContainer', { container_id: containerId, timeout }, timeout * 1000 + STOP_SLACK_MS));
  }

  async removeContainer(containerId: string): Promise<void> {
    await ignoreNotFound(this.client.runtime('RemoveContainer', { container_id: containerId }));
    this.containerStatuses.drop(containerId);
  }

  async containerStatus(containerId: string): Promise<RuntimeContainerStatus | undefined> {
    const res = await ignoreNotFound(this.client.runtime('ContainerStatus', { container_id: containerId }));
    return res?.status ? fromCriContainerStatus(res.status) : undefined;
  }

  async listContainers(filter: ContainerFilter = {}): Promise<RuntimeContainerStatus[]> {
    const { containers } = await this.client.runtime('ListContainers', {
      filter: {
        ...(filter.id ? { id: filter.id } : {}),
        ...(filter.podSandboxId ? { pod_sandbox_id: filter.podSandboxId } : {}),
        ...(filter.state ? { state: { state: filter.state } } : {}),
        label_selector: { ...filter.labels, ...this.owner },
      },
    });
    // The list has no exit codes or start times; the status has them (asked again only when
    // the state changed).
    const statuses = await Promise.all(
      containers.map(async (c) => {
        const cached = this.containerStatuses.get(c.id, c.state);
        if (cached) return cached;
        const res = await ignoreNotFound(this.client.runtime('ContainerStatus', { container_id: c.id }));
        return this.containerStatuses.put(c.id, res?.status ? fromCriContainerStatus(res.status, c.pod_sandbox_id) : undefined);
      }),
    );
    if (!filter.id && !filter.podSandboxId && !filter.state && !filter.labels) this.containerStatuses.retainOnly(new Set(containers.map((c) => c.id)));
    return statuses.filter((s) => s !== undefined);
  }

  logs(containerId: string, options: LogOptions = {}): Readable {
    const path = this.client.runtime('ContainerStatus', { container_id: containerId }).then((res) => {
      if (!res.status?.log_path) throw new Error(`container ${containerId} on ${this.endpoint} has no log file (it was created without a log path)`);
      return res.status.log_path;
    });
    // Swallowed here; the stream reports it.
    path.catch(() => undefined);
    const stillRunning = async (): Promise<boolean> => {
      const status = await this.containerStatus(containerId);
      return status?.state === 'CONTAINER_RUNNING' || status?.state === 'CONTAINER_CREATED';
    };
    return readContainerLog(path, options, stillRunning);
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    const stdin = options.stdin ?? false;
    const tty = options.tty ?? false;
    const { url } = await this.client.runtime('Exec', {
      container_id: containerId,
      cmd: [...options.command],
      tty,
      stdin,
      stdout: true,
      // With a TTY there is one output stream; asking for stderr too is an error.
      stderr: !tty,
    });
    return openExecStream(url, { stdin, tty }, `exec ${JSON.stringify(options.command)} in container ${containerId} on ${this.endpoint}`);
  }

  /**
   * Runs a command to its end and returns its output: one RPC, no stream, for probes and
   * short commands. `timeoutSeconds` 0 waits as long as the command runs.
   */
  async execSync(containerId: string, command: readonly string[], timeoutSeconds = 0): Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + STOP_SLACK_MS : 24 * 3600_000;
    const res = await this.client.runtime('ExecSync', { container_id: containerId, cmd: [...command], timeout: timeoutSeconds }, deadline);
    return { exitCode: res.exit_code, stdout: res.stdout, stderr: res.stderr };
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private get pullTimeoutMs(): number {
    return this.options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  }

  private async sandboxAttempt(sandboxId: string): Promise<number> {
    const known = this.sandboxAttempts.get(sandboxId);
    if (known !== undefined) return known;
    const { items } = await this.client.runtime('ListPodSandbox', { filter: { id: sandboxId } });
    const attempt = items[0]?.metadata?.attempt ?? 0;
    if (items[0]) this.sandboxAttempts.set(sandboxId, attempt);
    return attempt;
  }
}

async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
