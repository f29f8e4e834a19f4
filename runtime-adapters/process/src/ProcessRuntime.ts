import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
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
  RuntimeContext,
  SandboxFilter,
} from '@corral/core/kernel';
import { Cgroups, probeCgroups, type CgroupProbe } from './cgroups.js';
import { resolvConfText, withResolvConf } from './dns.js';
import { execIn } from './exec.js';
import { nulList, waitForFile } from './files.js';
import { startHolder } from './holder.js';
import { findTools, planHost, type HostPlan, type Tools } from './host.js';
import { KeyedLock } from './KeyedLock.js';
import { Launcher } from './launcher.js';
import { containerArgv, containerEnv, launchEnv } from './launch.js';
import { readLog } from './logs.js';
import { checkMounts } from './mounts.js';
import { MountPoints } from './MountPoints.js';
import { isAlive, pollUntil, processRef, signal } from './procs.js';
import { installShim, readExit, startShim, writeExit } from './shim.js';
import { StateStore, type ContainerRecord, type SandboxRecord } from './state.js';

export interface ProcessRuntimeOptions {
  /** `auto`: pod namespaces when root (the default); `off`: every pod on the host's. */
  readonly namespaces?: 'auto' | 'off';
  /** `auto`: cgroup limits when a writable hierarchy exists (the default); `off`: none. */
  readonly limits?: 'auto' | 'off';
  /** Where warnings go; Node's process warnings by default. */
  readonly warn?: (message: string) => void;
}

interface Host {
  readonly tools: Tools;
  readonly plan: HostPlan;
  readonly cgroups: Cgroups;
  readonly store: StateStore;
  readonly shim: string;
  readonly mountPoints: MountPoints;
  readonly launcher: Launcher;
}

const warned = new Set<string>();

function defaultWarn(message: string): void {
  process.emitWarning(message, { code: 'CORRAL_RUNTIME_PROCESS' });
}

/**
 * The `process` runtime (like Nomad's exec driver): a pod's containers are processes on the
 * host's file system, started through a shim that outlives the agent. As root, each pod has its
 * own network, IPC and UTS namespaces (held by a sleeping holder process) and each container
 * its own mount namespace and cgroup. Images are recorded, never pulled; `command` is required.
 * Everything is recorded under `<rootDir>/runtime-process`, so a new instance finds it all.
 */
export class ProcessRuntime implements RuntimeAdapter {
  readonly name = 'process';
  readonly root: string;
  private started?: Promise<Host>;
  private readonly lock = new KeyedLock();
  private readonly warn: (message: string) => void;

  constructor(context: RuntimeContext, private readonly options: ProcessRuntimeOptions = {}) {
    this.root = join(context.rootDir, 'runtime-process');
    this.warn = options.warn ?? defaultWarn;
  }

  /** Finds tools, cgroups and the records on first use (the factory must not do I/O). */
  private host(): Promise<Host> {
    this.started ??= this.start().catch((err) => {
      this.started = undefined;
      throw err;
    });
    return this.started;
  }

  private async start(): Promise<Host> {
    const limits = this.options.limits ?? 'auto';
    const [tools, probe] = await Promise.all([
      findTools(),
      limits === 'off' ? Promise.resolve<CgroupProbe>({ kind: 'none', reason: 'turned off' }) : probeCgroups(),
    ]);
    const uid = process.getuid?.() ?? 0;
    const plan = planHost({ uid, tools, cgroups: probe, namespaces: this.options.namespaces ?? 'auto', limits });
    for (const message of plan.warnings) {
      if (warned.has(message)) continue;
      warned.add(message);
      this.warn(`runtime-process: ${message}`);
    }
    await mkdir(this.root, { recursive: true });
    const store = new StateStore(this.root);
    await store.load(this.warn);
    const shim = await installShim(this.root);
    const mountPoints = new MountPoints();
    for (const c of store.containers.values()) mountPoints.adopt(c.id, c.mountPoints);
    const launcher = new Launcher(tools.perl);
    return { tools, plan, cgroups: new Cgroups(plan.cgroups ? probe : { kind: 'none', reason: 'off' }), store, shim, mountPoints, launcher };
  }

  /** What this host allowed (namespaces, cgroups) and why not, once started. */
  async plan(): Promise<HostPlan & { readonly cgroupProbe: CgroupProbe }> {
    const host = await this.host();
    return { ...host.plan, cgroupProbe: host.cgroups.probe };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const { plan, tools, store, launcher } = await this.host();
    const id = randomBytes(16).toString('hex');
    let holder;
    if (plan.namespaces) {
      await mkdir(store.sandboxDir(id), { recursive: true });
      try {
        holder = await startHolder(config, tools, launcher, store.sandboxDir(id));
      } catch (err) {
        await store.dropSandbox(id);
        throw err;
      }
    }
    try {
      await store.putSandbox({ id, config, createdAt: Date.now(), ready: true, ...(holder ? { holder } : {}) });
      if (holder && config.dns) await writeFile(this.resolvConfOf(store, id), resolvConfText(config.dns), { mode: 0o644 });
    } catch (err) {
      if (holder) signal(holder.pid, 'SIGKILL');
      throw err;
    }
    return id;
  }

  stopPodSandbox(sandboxId: string): Promise<void> {
    return this.lock.run(`sandbox:${sandboxId}`, async () => {
      const { store } = await this.host();
      const record = store.sandboxes.get(sandboxId);
      if (!record) return;
      for (const container of this.containersOf(store, sandboxId)) {
        await this.lock.run(`container:${container.id}`, () => this.stopLocked(container.id, 0));
      }
      const holder = record.holder;
      if (holder && (await isAlive(holder))) {
        signal(holder.pid, 'SIGKILL');
        // Return once its namespaces are released.
        await pollUntil(async () => !(await isAlive(holder)), 2_000);
      }
      if (record.ready) await store.putSandbox({ ...record, ready: false });
    });
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await this.stopPodSandbox(sandboxId);
    await this.lock.run(`sandbox:${sandboxId}`, async () => {
      const { store, cgroups } = await this.host();
      for (const container of this.containersOf(store, sandboxId)) await this.removeContainer(container.id);
      if (!store.sandboxes.has(sandboxId)) return;
      await cgroups.removePod(sandboxId);
      await store.dropSandbox(sandboxId);
    });
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    const { store } = await this.host();
    const record = store.sandboxes.get(sandboxId);
    return record && (await this.sandboxStatus(record));
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const { store } = await this.host();
    const candidates = [...store.sandboxes.values()].filter(
      (r) => (filter.id === undefined || r.id === filter.id) && labelsMatch(r.config.labels, filter.labels),
    );
    const statuses = await Promise.all(candidates.map((r) => this.sandboxStatus(r)));
    return statuses.filter((s) => filter.state === undefined || s.state === filter.state);
  }

  private async sandboxStatus(record: SandboxRecord): Promise<PodSandboxStatus> {
    const ready = record.ready && (!record.holder || (await isAlive(record.holder)));
    const { config } = record;
    return {
      id: record.id,
      uid: config.uid,
      name: config.name,
      namespace: config.namespace,
      state: ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
      createdAt: record.createdAt,
      ...(config.ip ? { ip: config.ip } : {}),
      labels: config.labels,
    };
  }

  async pullImage(image: string): Promise<string> {
    return image;
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return { ref: image };
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string> {
    const { store, plan, cgroups, mountPoints: paths } = await this.host();
    const pod = store.sandboxes.get(sandboxId);
    const where = `container ${config.name} of sandbox ${sandboxId}`;
    if (!pod) throw new Error(`runtime-process: ${where}: no such sandbox`);
    if (config.command.length === 0) {
      throw new Error(`runtime-process: ${where}: the process runtime needs a command (it runs no image entrypoint; image ${config.image} is only recorded)`);
    }
    const namespaces = plan.namespaces && pod.holder !== undefined;
    // The pod's resolv.conf goes in with the volumes (a mount namespace is what makes it private).
    if (namespaces && pod.config.dns) config = { ...config, mounts: withResolvConf(config.mounts, this.resolvConfOf(store, sandboxId)) };
    checkMounts(config.mounts, where);
    const id = randomBytes(16).toString('hex');
    const logFile = join(sandbox.logDirectory || pod.config.logDirectory, config.logPath);
    await mkdir(dirname(logFile), { recursive: true });
    await mkdir(store.containerDir(id), { recursive: true });
    const cgroupDirs = await cgroups.create(sandboxId, id, config.resources);
    let mountPoints: string[] = [];
    try {
      mountPoints = await paths.acquire(id, config.mounts, namespaces ? 'bind' : 'symlink');
      await store.putContainer({
        id,
        sandboxId,
        config,
        createdAt: Date.now(),
        logFile,
        workingDir: config.workingDir || '/',
        namespaces,
        hostNetwork: !!pod.config.hostNetwork,
        cgroups: cgroupDirs,
        mountPoints,
      });
    } catch (err) {
      await cgroups.remove(cgroupDirs).catch(() => undefined);
      await paths.release(id, mountPoints);
      await store.dropContainer(id);
      throw err;
    }
    return id;
  }

  startContainer(containerId: string): Promise<void> {
    return this.lock.run(`container:${containerId}`, async () => {
      const { store, tools, shim, launcher } = await this.host();
      const record = store.containers.get(containerId);
      if (!record) throw new Error(`runtime-process: start container ${containerId}: no such container`);
      if (record.startedAt !== undefined) return;
      const pod = store.sandboxes.get(record.sandboxId);
      if (!pod) throw new Error(`runtime-process: start container ${containerId}: its sandbox ${record.sandboxId} is gone`);
      if (record.namespaces && !(pod.holder && (await isAlive(pod.holder)))) {
        throw new Error(`runtime-process: start container ${record.config.name}: sandbox ${record.sandboxId} is not ready (its namespace holder ended)`);
      }
      const dir = store.containerDir(containerId);
      const argv = containerArgv(record.config, { holderPid: record.namespaces ? pod.holder!.pid : undefined, hostNetwork: record.hostNetwork, workingDir: record.workingDir }, tools);
      await writeFile(join(dir, 'argv'), nulList(argv), { mode: 0o600 });
      await writeFile(join(dir, 'env'), nulList(launchEnv(containerEnv(record.config, pod.config), tools, join(dir, 'ready'))), { mode: 0o600 });
      await writeFile(join(dir, 'cgroups'), nulList(record.cgroups.map((d) => join(d, 'cgroup.procs'))), { mode: 0o600 });
      const started = await startShim(launcher, tools.perl, shim, dir, record.logFile);
      const [shimRef, mainRef] = await Promise.all([processRef(started.shimPid), processRef(started.pid)]);
      await store.putContainer({ ...record, shim: shimRef, main: mainRef, startedAt: started.startedAt });
      // Return once the command runs in its namespaces (exec may follow at once), or ended.
      if (!(await waitForFile(dir, ['ready', 'exit'], 10_000))) {
        throw new Error(`runtime-process: start container ${record.config.name}: its init did not finish within 10 s (see ${record.logFile})`);
      }
    });
  }

  stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    return this.lock.run(`container:${containerId}`, () => this.stopLocked(containerId, timeoutSeconds));
  }

  /** TERM to the container's process group, KILL (group and cgroup) after the timeout. */
  private async stopLocked(containerId: string, timeoutSeconds: number): Promise<void> {
    const { store, cgroups } = await this.host();
    const current = store.containers.get(containerId);
    if (!current) return;
    const record = await this.refresh(store, current);
    if (record.startedAt === undefined || record.exit || !record.main) return;
    const dir = store.containerDir(containerId);
    const ended = async () => (await readExit(dir)) !== undefined || !(await isAlive(record.shim));
    signal(-record.main.pid, 'SIGTERM');
    let killed = false;
    if (!(await pollUntil(ended, Math.max(0, timeoutSeconds) * 1000))) {
      killed = true;
      signal(-record.main.pid, 'SIGKILL');
      await cgroups.killAll(record.cgroups);
      await pollUntil(ended, 5_000);
    }
    if (!(await readExit(dir))) {
      // The shim is gone too (killed by someone): record what we know.
      await writeExit(dir, { exitCode: killed ? 137 : 143, finishedAt: Date.now() });
    }
    await this.refresh(store, record);
  }

  removeContainer(containerId: string): Promise<void> {
    return this.lock.run(`container:${containerId}`, async () => {
      const { store, cgroups, mountPoints } = await this.host();
      const record = store.containers.get(containerId);
      if (!record) return;
      await this.stopLocked(containerId, 0);
      // The shim ends right after recording the exit; nothing of the container may outlive removal.
      await pollUntil(async () => !(await isAlive(record.shim)), 2_000);
      await cgroups.killAll(record.cgroups);
      await cgroups.remove(record.cgroups);
      await mountPoints.release(containerId, record.mountPoints);
      await store.dropContainer(containerId);
    });
  }

  async containerStatus(containerId: string): Promise<RuntimeContainerStatus | undefined> {
    const { store } = await this.host();
    const record = store.containers.get(containerId);
    return record && toStatus(await this.refresh(store, record));
  }

  async listContainers(filter: ContainerFilter = {}): Promise<RuntimeContainerStatus[]> {
    const { store } = await this.host();
    const candidates = [...store.containers.values()].filter(
      (r) =>
        (filter.id === undefined || r.id === filter.id) &&
        (filter.podSandboxId === undefined || r.sandboxId === filter.podSandboxId) &&
        labelsMatch(r.config.labels, filter.labels),
    );
    const statuses = await Promise.all(candidates.map(async (r) => toStatus(await this.refresh(store, r))));
    return statuses.filter((s) => filter.state === undefined || s.state === filter.state);
  }

  /** Picks up an exit the shim recorded, or notices that nobody is left to record one. */
  private async refresh(store: StateStore, record: ContainerRecord): Promise<ContainerRecord> {
    if (record.startedAt === undefined || record.exit) return record;
    // Its main process alive (procfs, read in memory): no exit to look for. The relist asks
    // every second for every container, and a file read each costs four trips to the thread pool.
    if (await isAlive(record.main)) return record;
    const dir = store.containerDir(record.id);
    let exit: ContainerRecord['exit'] = await readExit(dir);
    if (!exit) {
      if ((await isAlive(record.shim)) || (await isAlive(record.main))) return record;
      exit = (await readExit(dir)) ?? { exitCode: 255, finishedAt: Date.now(), reason: 'ShimLost' };
      if (exit.reason) await writeExit(dir, exit);
    }
    const updated = { ...record, exit };
    // Only the cache: the exit file is the durable record.
    if (store.containers.get(record.id) === record) store.containers.set(record.id, updated);
    // Its mount namespace ended with it: what it needed on the host may go (a restart is a new container).
    const { mountPoints } = await this.host();
    await mountPoints.release(record.id, record.mountPoints);
    return updated;
  }

  logs(containerId: string, options: LogOptions = {}): Readable {
    const self = this;
    async function* stream(): AsyncGenerator<Buffer | string> {
      const { store } = await self.host();
      const record = store.containers.get(containerId);
      if (!record) throw new Error(`runtime-process: logs of container ${containerId}: no such container`);
      const ended = async () => {
        const state = (await self.containerStatus(containerId))?.state;
        return state === undefined || state === 'CONTAINER_EXITED';
      };
      yield* readLog(record.logFile, options, ended);
    }
    return Readable.from(stream(), { objectMode: false });
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    const { store, tools } = await this.host();
    const found = store.containers.get(containerId);
    if (!found) throw new Error(`runtime-process: exec in container ${containerId}: no such container`);
    const record = await this.refresh(store, found);
    const where = `container ${record.config.name} (${containerId})`;
    if (record.startedAt === undefined || record.exit || !record.main) throw new Error(`runtime-process: exec in ${where}: the container is not running`);
    const pod = store.sandboxes.get(record.sandboxId);
    const env = containerEnv(record.config, pod?.config ?? { name: record.config.name } as PodSandboxConfig);
    return execIn(
      { ...(record.namespaces ? { pid: record.main.pid } : {}), hostNetwork: record.hostNetwork, env, workingDir: record.workingDir, cgroupProcs: record.cgroups.map((d) => join(d, 'cgroup.procs')) },
      options,
      tools,
      where,
    );
  }

  async close(): Promise<void> {
    // Containers and holders run on without us; only the launcher goes.
    if (this.started) (await this.started.catch(() => undefined))?.launcher.close();
  }

  private resolvConfOf(store: StateStore, sandboxId: string): string {
    return join(store.sandboxDir(sandboxId), 'resolv.conf');
  }

  private containersOf(store: StateStore, sandboxId: string): ContainerRecord[] {
    return [...store.containers.values()].filter((c) => c.sandboxId === sandboxId);
  }

}

function labelsMatch(labels: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>> | undefined): boolean {
  return !wanted || Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

function toStatus(record: ContainerRecord): RuntimeContainerStatus {
  const { config, exit } = record;
  const state = record.startedAt === undefined ? 'CONTAINER_CREATED' : exit ? 'CONTAINER_EXITED' : 'CONTAINER_RUNNING';
  return {
    id: record.id,
    podSandboxId: record.sandboxId,
    name: config.name,
    image: config.image,
    imageRef: config.image,
    state,
    createdAt: record.createdAt,
    ...(record.startedAt !== undefined ? { startedAt: record.startedAt } : {}),
    ...(exit
      ? { finishedAt: exit.finishedAt, exitCode: exit.exitCode, reason: exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error') }
      : {}),
    labels: config.labels,
  };
}
