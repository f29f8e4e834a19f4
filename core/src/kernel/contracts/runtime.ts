import type { Readable, Writable } from 'node:stream';
import type { Container, Pod } from '../../api/index.js';

// The container runtime contract, shaped after the Kubernetes CRI (RuntimeService +
// ImageService) so that a `cri` adapter is a thin translation and `process`/`docker` adapters
// follow the same life cycle: sandbox first, then containers inside it.

export interface PortMapping {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly containerPort: number;
  readonly hostPort?: number;
  readonly hostIp?: string;
}

/** The pod-level environment its containers share (the seed's pause container). */
export interface PodSandboxConfig {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly hostname?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where the runtime writes container logs for this pod. */
  readonly logDirectory: string;
  readonly portMappings: readonly PortMapping[];
  /** The network namespace prepared by the pod network adapter, when it prepares one. */
  readonly netnsPath?: string;
  readonly dns?: { readonly servers: readonly string[]; readonly searches: readonly string[]; readonly options: readonly string[] };
  /** The pod's IP when the pod network adapter gave it one (reported back in PodSandboxStatus.ip). */
  readonly ip?: string;
  /** The pod shares the node's network (spec.hostNetwork, or no pod network configured). */
  readonly hostNetwork?: boolean;
}

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxStatus {
  readonly id: string;
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly state: SandboxState;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly ip?: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The network namespace the sandbox's containers share, when the runtime made it itself
   * (docker: the pause container's `/proc/<pid>/ns/net`); a pod network adapter can set the pod
   * up inside it after runPodSandbox, instead of handing a netnsPath in.
   */
  readonly netnsPath?: string;
}

export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readonly?: boolean;
}

/** A container's resources from its spec, in base units; absent ones are unlimited / not asked for. */
export interface ContainerResources {
  readonly cpuLimitMillis?: number;
  readonly memoryLimitBytes?: number;
  readonly cpuRequestMillis?: number;
  readonly memoryRequestBytes?: number;
  /** The most processes (and threads) the container may run at once (cgroup pids.max). */
  readonly pidsLimit?: number;
}

/** What `createContainer` needs; `beforeContainerStart` taps may rewrite it. */
export interface ContainerConfig {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly workingDir?: string;
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly mounts: readonly Mount[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Relative to the sandbox's `logDirectory`. */
  readonly logPath: string;
  readonly stdin?: boolean;
  readonly tty?: boolean;
  /** Limits a runtime should enforce (cgroups, docker's --cpus/--memory), requests for its shares. */
  readonly resources?: ContainerResources;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface ContainerStatus {
  readonly id: string;
  readonly podSandboxId: string;
  readonly name: string;
  readonly image: string;
  readonly imageRef?: string;
  readonly state: ContainerState;
  /** Milliseconds since the epoch; `startedAt`/`finishedAt` once it got there. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ImageInfo {
  /** The resolved reference (digest when the runtime knows it). */
  readonly ref: string;
  readonly size?: number;
}

export interface SandboxFilter {
  readonly id?: string;
  readonly state?: SandboxState;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ContainerFilter {
  readonly id?: string;
  readonly podSandboxId?: string;
  readonly state?: ContainerState;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface LogOptions {
  readonly follow?: boolean;
  readonly tailLines?: number;
  /** Milliseconds since the epoch. */
  readonly since?: number;
  readonly timestamps?: boolean;
  readonly signal?: AbortSignal;
}

export interface ExecOptions {
  readonly command: readonly string[];
  readonly stdin?: boolean;
  readonly tty?: boolean;
}

/** A running exec: its streams, and its exit code once it ends. */
export interface ExecSession {
  readonly stdin?: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exitCode: Promise<number>;
  /** Resize the TTY, when `tty` was asked for. */
  resize?(cols: number, rows: number): void;
}

/**
 * A container runtime, offered by a plugin through `hooks.runtimeAdapter.for(name)`. The agent
 * drives it level-triggered, so every call must be idempotent: stopping a stopped container or
 * removing a missing sandbox succeeds. Calls may be slow (image pulls); none may block the
 * event loop.
 */
export interface RuntimeAdapter {
  readonly name: string;
  /**
   * True when the runtime's sandboxes bring their own network, namespace and address (a CRI
   * runtime does, through CNI): the agent then calls no pod network's setup or teardown for its
   * pods and reports the pod IP from PodSandboxStatus. Absent means false.
   */
  readonly providesPodNetwork?: boolean;

  /** Creates and starts the pod sandbox; returns its id. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox and the sandbox itself; keeps them for inspection. */
  stopPodSandbox(sandboxId: string): Promise<void>;
  /** Removes the sandbox and all its containers. */
  removePodSandbox(sandboxId: string): Promise<void>;
  podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined>;
  listPodSandboxes(filter?: SandboxFilter): Promise<PodSandboxStatus[]>;

  /** Pulls `image` if missing; returns the resolved reference. */
  pullImage(image: string): Promise<string>;
  /** `undefined` when the image is not present. */
  imageStatus(image: string): Promise<ImageInfo | undefined>;

  /** Creates a container in the sandbox; returns its id. */
  createContainer(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Signals TERM, then KILL after `timeoutSeconds`. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;

  /** The container's output, as written (stdout and stderr interleaved). */
  logs(containerId: string, options?: LogOptions): Readable;
  exec(containerId: string, options: ExecOptions): Promise<ExecSession>;

  /** Releases connections; running containers keep running. */
  close(): Promise<void>;
}

/** Handed to the `runtimeAdapter` factory taps. */
export interface RuntimeContext {
  readonly nodeName: string;
  /** The agent's state directory; a runtime keeps its own files under it. */
  readonly rootDir: string;
}

/** Handed to the container life-cycle hooks. */
export interface ContainerLifecycleContext {
  readonly pod: Pod;
  readonly container: Container;
  readonly sandboxId: string;
  /** Set once the container exists (after start, before and after stop). */
  readonly containerId?: string;
  readonly runtime: RuntimeAdapter;
}
