import { mkdir, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type {
  ContainerConfig,
  ContainerFilter,
  RuntimeContainerStatus as ContainerStatus,
  ExecOptions,
  ExecSession,
  ImageInfo,
  LogOptions,
  PodSandboxConfig,
  PodSandboxStatus,
  RuntimeAdapter,
  SandboxFilter,
} from '@corral/core/kernel';
import { dockerFor, explain, failure, isNotFound, statusOf } from './connection.js';
import { startExec } from './exec.js';
import { FrameReader } from './frames.js';
import { FreshLists } from './freshLists.js';
import { ImagePresence } from './imageCache.js';
import { inspectImage, pull } from './images.js';
import { InspectCache } from './inspectCache.js';
import { LABEL, labelFilters, type OwnedKind } from './labels.js';
import { containerLogs } from './logs.js';
import { containerCreateOptions, sandboxCreateOptions, type PauseSettings } from './specs.js';
import { toContainerStatus, toSandboxStatus } from './status.js';

export interface DockerRuntimeOptions {
  /** The daemon: a socket path, `unix:///path` or `tcp://host:port`. */
  readonly socket: string;
  readonly pauseImage: string;
  /** The pause process; the pause image's own entrypoint when empty. */
  readonly pauseCommand: readonly string[];
  /**
   * A statically linked busybox on the node, mounted into the pause container to enter a given
   * network namespace (so the pause image needs no nsenter); empty to use the image's nsenter.
   */
  readonly netnsHelper?: string;
  /** How long runPodSandbox waits for the pause container to enter a given netns. */
  readonly netnsJoinTimeoutMs?: number;
}

export const DEFAULT_NETNS_HELPER = '/bin/busybox';
const NOT_MODIFIED = 304;
const CONFLICT = 409;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The RuntimeAdapter on a Docker daemon: a pause container per pod holds its namespaces, the
 * pod's containers join it. All state is in Docker (labels), none in this object, so a new
 * instance after a restart sees the same pods.
 */
export class DockerRuntime implements RuntimeAdapter {
  readonly name = 'docker';
  private client: Promise<Docker> | undefined;
  private readonly inspected = new InspectCache();
  private readonly images = new ImagePresence();

  constructor(private readonly options: DockerRuntimeOptions) {}

  /** Connects lazily: constructing the adapter does no I/O. */
  private docker(): Promise<Docker> {
    return (this.client ??= dockerFor(this.options.socket));
  }

  private get pause(): PauseSettings {
    return { image: this.options.pauseImage, command: this.options.pauseCommand, netnsHelper: this.options.netnsHelper ?? DEFAULT_NETNS_HELPER };
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw failure(what, explain(this.options.socket, err));
    }
  }

  /** Inspects a container Corral owns as `kind`; undefined when missing or not ours. */
  private async inspectOwned(id: string, kind: OwnedKind): Promise<Docker.ContainerInspectInfo | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await (await this.docker()).getContainer(id).inspect();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.inspected.drop(id);
      return undefined;
    }
    const labels = info.Config.Labels ?? {};
    if (labels[LABEL.managed] !== 'true' || labels[LABEL.kind] !== kind) return undefined;
    this.inspected.put(info);
    return info;
  }

  private readonly lists = new FreshLists<Docker.ContainerInfo[]>();

  private async listOwned(kind: OwnedKind, labels: Readonly<Record<string, string>> | undefined, id: string | undefined, extraLabels: string[] = []): Promise<Docker.ContainerInspectInfo[]> {
    // Sandboxes and containers with the same labels come from one list (a pod's sync asks for
    // both at once); the daemon filters by label, cheaper than describing every container.
    const filters: Record<string, string[]> = { label: [...labelFilters(undefined, labels), ...extraLabels].sort() };
    if (id) filters.id = [id];
    const docker = await this.docker();
    const listed = await this.lists.get(JSON.stringify(filters), () => docker.listContainers({ all: true, filters }));
    const found = listed.filter((c) => c.Labels?.[LABEL.kind] === kind);
    // Only containers whose state changed since their last inspect are inspected again.
    const infos = await Promise.all(found.map((c) => this.inspected.get(c.Id, c.State) ?? this.inspectOwned(c.Id, kind)));
    if (!labels && !id && extraLabels.length === 0) this.inspected.retainOnly(new Set(listed.map((c) => c.Id)));
    return infos.filter((i): i is Docker.ContainerInspectInfo => i !== undefined);
  }

  // ---- sandboxes ----

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const pod = `${config.namespace}/${config.name}`;
    return this.call(`run the sandbox of pod ${pod}`, async () => {
      // A caller retrying after a crash between create and reply gets the pod's running sandbox.
      const [existing] = await this.listOwned('sandbox', undefined, undefined, [`${LABEL.podUid}=${config.uid}`]).then((all) => all.filter((i) => i.State.Running));
      if (existing) return existing.Id;
      await this.ensureImage(this.pause.image);
      if (config.netnsPath && !config.hostNetwork) await this.checkHelper();
      const pauseEntrypoint = await this.pauseEntrypoint(config);
      const created = await (await this.docker()).createContainer(sandboxCreateOptions(config, this.pause, pauseEntrypoint));
      try {
        await created.start();
        if (config.netnsPath && !config.hostNetwork) await this.awaitNetns(created.id, config.netnsPath);
      } catch (err) {
        await created.remove({ force: true }).catch(() => undefined);
        throw err;
      }
      return created.id;
    });
  }

  private async checkHelper(): Promise<void> {
    const helper = this.pause.netnsHelper;
    if (!helper) return;
    const found = await stat(helper).catch(() => undefined);
    if (!found?.isFile()) {
      throw new Error(
        `joining the pod's network namespace needs a static busybox at ${helper} (the "netnsHelper" option): ` +
          "install Debian's busybox-static, or set netnsHelper to \"\" and use a pause image that has nsenter",
      );
    }
  }

  /** What runs after `nsenter` when the pause container joins a given namespace. */
  private async pauseEntrypoint(config: PodSandboxConfig): Promise<string[]> {
    if (!config.netnsPath || config.hostNetwork) return [];
    if (this.pause.command.length > 0) return [...this.pause.command];
    const image = await (await this.docker()).getImage(this.pause.image).inspect();
    return [...(image.Config.Entrypoint ?? []), ...(image.Config.Cmd ?? [])];
  }

  /** The pause process enters the namespace right after it starts; wait until it is there. */
  private async awaitNetns(id: string, netnsPath: string): Promise<void> {
    const want = await stat(netnsPath);
    const deadline = Date.now() + (this.options.netnsJoinTimeoutMs ?? 10_000);
    const container = (await this.docker()).getContainer(id);
    let info = await container.inspect();
    for (let polls = 1; ; polls++) {
      if (!info.State.Running) {
        throw new Error(
          `the pause container (image ${this.pause.image}) exited (code ${info.State.ExitCode}) instead of entering ${netnsPath}` +
            `${this.pause.netnsHelper ? '' : ' (joining a network namespace needs nsenter in the pause image)'}; its output: ${await this.outputOf(id)}`,
        );
      }
      const now = await stat(`/proc/${info.State.Pid}/ns/net`).catch(() => undefined);
      if (now && now.ino === want.ino && now.dev === want.dev) return;
      if (Date.now() > deadline) throw new Error(`the pause container did not enter the network namespace ${netnsPath} in time`);
      await sleep(10);
      // The pid stays the pause process's while it runs: the daemon is asked again only now and
      // then, or when the process is gone, to learn whether the container exited.
      if (!now || polls % 20 === 0) info = await container.inspect();
    }
  }

  /** The end of a container's output, for error messages. */
  private async outputOf(id: string): Promise<string> {
    const raw = (await (await this.docker()).getContainer(id).logs({ stdout: true, stderr: true, tail: 5, follow: false })) as unknown as Buffer;
    const text = new FrameReader().push(Buffer.from(raw)).map((f) => f.payload.toString('utf8')).join('').trim();
    return text ? JSON.stringify(text) : '(none)';
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    await this.call(`stop sandbox ${sandboxId}`, async () => {
      const members = await this.listOwned('container', undefined, undefined, [`${LABEL.sandboxId}=${sandboxId}`]);
      // The agent already gave each container its grace period; what is left is forced.
      await Promise.all(members.map((m) => this.stopQuietly(m.Id, 0)));
      if (await this.inspectOwned(sandboxId, 'sandbox')) await this.stopQuietly(sandboxId, 0);
    });
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await this.call(`remove sandbox ${sandboxId}`, async () => {
      const members = await this.listOwned('container', undefined, undefined, [`${LABEL.sandboxId}=${sandboxId}`]);
      await Promise.all(members.map((m) => this.removeQuietly(m)));
      const sandbox = await this.inspectOwned(sandboxId, 'sandbox');
      if (sandbox) await this.removeQuietly(sandbox);
    });
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    return this.call(`inspect sandbox ${sandboxId}`, async () => {
      const info = await this.inspectOwned(sandboxId, 'sandbox');
      return info && toSandboxStatus(info);
    });
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    return this.call('list sandboxes', async () => {
      const all = (await this.listOwned('sandbox', filter.labels, filter.id)).map(toSandboxStatus);
      return filter.state ? all.filter((s) => s.state === filter.state) : all;
    });
  }

  // ---- images ----

  async pullImage(image: string): Promise<string> {
    const present = await this.imageStatus(image);
    if (present) return present.ref;
    try {
      await pull(await this.docker(), image);
    } catch (err) {
      const cause = explain(this.options.socket, err);
      if (cause !== err) throw cause;
      throw new Error(
        `docker runtime: cannot pull image "${image}": ${(err as Error).message.trim()}. ` +
          `The daemon at ${this.options.socket} could not fetch it from its registry: make the registry reachable, ` +
          'or load the image into this daemon (docker load / docker import).',
        { cause: err },
      );
    }
    const pulled = await this.imageStatus(image);
    if (!pulled) throw new Error(`docker runtime: pulled image "${image}" but the daemon does not list it`);
    return pulled.ref;
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.call(`inspect image "${image}"`, () => this.presentImage(image));
  }

  private async presentImage(image: string): Promise<ImageInfo | undefined> {
    const docker = await this.docker();
    return this.images.status(image, () => inspectImage(docker, image));
  }

  private async ensureImage(image: string): Promise<void> {
    if (!(await this.presentImage(image))) await this.pullImage(image);
  }

  // ---- containers ----

  async createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string> {
    const what = `create container "${config.name}" in pod ${sandbox.namespace}/${sandbox.name}`;
    return this.call(what, async () => {
      // The pod's sync listed its sandbox running a moment ago; should it have died since,
      // starting the container fails and the agent makes a new sandbox.
      const listed = this.inspected.get(sandboxId, 'running');
      const pause = listed?.Config.Labels?.[LABEL.kind] === 'sandbox' ? listed : await this.inspectOwned(sandboxId, 'sandbox');
      if (!pause) throw new Error(`its sandbox ${sandboxId} does not exist`);
      if (!pause.State.Running) throw new Error(`its sandbox ${sandboxId} is not running`);
      await this.ensureImage(config.image);
      const logLink = join(sandbox.logDirectory, config.logPath);
      try {
        const created = await (await this.docker()).createContainer(containerCreateOptions(pause.Id, config, sandbox, logLink));
        return created.id;
      } catch (err) {
        // The image went away since it was last seen: ask again next time.
        if (isNotFound(err)) this.images.forget(config.image);
        throw err;
      }
    });
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(`start container ${containerId}`, async () => {
      try {
        await (await this.docker()).getContainer(containerId).start();
      } catch (err) {
        if (statusOf(err) !== NOT_MODIFIED) throw err;
      }
      await this.linkLog(containerId);
    });
  }

  /** Points the agent's log path at Docker's json-file log, as dockershim did. */
  private async linkLog(containerId: string): Promise<void> {
    const info = await (await this.docker()).getContainer(containerId).inspect();
    // The agent's next look at the pod finds the container in this state: no inspect then.
    if (info.Config.Labels?.[LABEL.managed] === 'true') this.inspected.put(info);
    const link = info.Config.Labels?.[LABEL.logLink];
    if (!link || !info.LogPath) return;
    await mkdir(dirname(link), { recursive: true });
    await unlink(link).catch(() => undefined);
    await symlink(info.LogPath, link);
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call(`stop container ${containerId}`, () => this.stopQuietly(containerId, timeoutSeconds));
  }

  /** Docker sends the stop signal, waits `t` seconds, then KILLs; stopped or gone is success. */
  private async stopQuietly(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await (await this.docker()).getContainer(id).stop({ t: Math.max(0, Math.ceil(timeoutSeconds)) });
    } catch (err) {
      if (!isNotFound(err) && statusOf(err) !== NOT_MODIFIED) throw err;
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(`remove container ${containerId}`, async () => {
      const info = await this.inspectOwned(containerId, 'container');
      if (info) await this.removeQuietly(info);
    });
  }

  private async removeQuietly(info: Docker.ContainerInspectInfo): Promise<void> {
    this.inspected.drop(info.Id);
    try {
      await (await this.docker()).getContainer(info.Id).remove({ force: true });
    } catch (err) {
      // 409: another call is already removing it.
      if (!isNotFound(err) && statusOf(err) !== CONFLICT) throw err;
    }
    const link = info.Config.Labels?.[LABEL.logLink];
    if (link) await unlink(link).catch(() => undefined);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    return this.call(`inspect container ${containerId}`, async () => {
      const info = await this.inspectOwned(containerId, 'container');
      return info && toContainerStatus(info);
    });
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    return this.call('list containers', async () => {
      const extra = filter.podSandboxId ? [`${LABEL.sandboxId}=${filter.podSandboxId}`] : [];
      const all = (await this.listOwned('container', filter.labels, filter.id, extra)).map(toContainerStatus);
      return filter.state ? all.filter((c) => c.state === filter.state) : all;
    });
  }

  logs(containerId: string, options: LogOptions = {}): Readable {
    return containerLogs(this.docker(), containerId, options, (err) => failure(`logs of container ${containerId}`, explain(this.options.socket, err)));
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    return this.call(`exec ${JSON.stringify(options.command)} in container ${containerId}`, async () => startExec(await this.docker(), containerId, options));
  }

  async close(): Promise<void> {
    // dockerode opens a connection per request; nothing stays open between calls.
    this.client = undefined;
  }
}
