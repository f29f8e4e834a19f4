import { PassThrough, Readable } from 'node:stream';
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerStatus,
  ExecOptions,
  ExecSession,
  ImageInfo,
  LogOptions,
  PodSandboxConfig,
  PodSandboxStatus,
  RuntimeAdapter,
  SandboxFilter,
} from '../kernel/contracts/runtime.js';

// A container runtime in memory, for the agent's tests: containers are records whose life is
// scripted per image (run for a while and exit with a code, print lines, ignore SIGTERM), logs
// are kept per container, exec runs small built-in commands or a test's handler. Every call is
// recorded in `calls`, so a test can assert what the agent asked for.

/** How containers of one image behave once started. */
export interface FakeScript {
  /** Lines the container prints at start. */
  readonly logs?: readonly string[];
  /** Exit on its own this long after start; absent: run until stopped. */
  readonly exitAfterMs?: number;
  /** The exit code when it exits on its own. Default 0. */
  readonly exitCode?: number;
  /** Ignores SIGTERM: stopContainer then waits out its whole timeout and kills (137). */
  readonly ignoreTerm?: boolean;
}

export interface FakeContainer {
  readonly id: string;
  readonly sandboxId: string;
  readonly config: ContainerConfig;
  state: ContainerStatus['state'];
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  readonly log: { time: number; line: string }[];
  readonly followers: Set<PassThrough>;
  timer?: NodeJS.Timeout;
}

export interface FakeSandbox {
  readonly id: string;
  readonly config: PodSandboxConfig;
  state: PodSandboxStatus['state'];
  readonly createdAt: number;
}

/** A test's own exec: gets the command and streams; returns the exit code. */
export type FakeExecHandler = (
  container: FakeContainer,
  options: ExecOptions,
  io: { stdin?: PassThrough; stdout: PassThrough; stderr: PassThrough },
) => Promise<number | undefined> | number | undefined;

export class FakeRuntime implements RuntimeAdapter {
  readonly name = 'fake';
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  /** Images present on the node. */
  readonly images = new Set<string>();
  /** Images whose pull fails. */
  readonly unpullable = new Set<string>();
  /** Every call, as "method arg". */
  readonly calls: string[] = [];
  /** Per-image behaviour; images without a script run until stopped. */
  readonly scripts = new Map<string, FakeScript>();
  /** Consulted first by exec; undefined falls back to the built-in commands. */
  execHandler?: FakeExecHandler;
  /** The last TTY size each exec was resized to, by container id. */
  readonly resizes: { containerId: string; cols: number; rows: number }[] = [];
  private nextId = 1;
  private closed = false;

  script(image: string, script: FakeScript): this {
    this.scripts.set(image, script);
    return this;
  }

  /** Containers of one pod's container, oldest first. */
  containersOf(containerName: string, podName?: string): FakeContainer[] {
    return [...this.containers.values()]
      .filter((c) => c.config.name === containerName && (podName === undefined || this.sandboxes.get(c.sandboxId)?.config.name === podName))
      .sort((a, b) => a.createdAt - b.createdAt || idNumber(a.id) - idNumber(b.id));
  }

  running(): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.state === 'CONTAINER_RUNNING');
  }

  /** Makes a running container exit now, as if its process ended. */
  exit(containerId: string, exitCode: number): void {
    const c = this.containers.get(containerId);
    if (c?.state === 'CONTAINER_RUNNING') this.finish(c, exitCode);
  }

  /** Appends a line to a container's log (followers see it). */
  print(containerId: string, line: string): void {
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`fake runtime: no container ${containerId}`);
    this.append(c, line);
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.record('runPodSandbox', config.name);
    const id = `sandbox-${this.nextId++}`;
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: Date.now() });
    return id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    this.record('stopPodSandbox', sandboxId);
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    for (const c of this.containers.values()) if (c.sandboxId === sandboxId && c.state === 'CONTAINER_RUNNING') this.finish(c, 137, 'Killed');
    sandbox.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    this.record('removePodSandbox', sandboxId);
    await this.stopPodSandbox(sandboxId);
    for (const c of [...this.containers.values()]) if (c.sandboxId === sandboxId) this.drop(c);
    this.sandboxes.delete(sandboxId);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus | undefined> {
    const s = this.sandboxes.get(sandboxId);
    return s && sandboxStatus(s);
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()]
      .filter((s) => (filter.id === undefined || s.id === filter.id) && (filter.state === undefined || s.state === filter.state) && matches(s.config.labels, filter.labels))
      .map(sandboxStatus);
  }

  async pullImage(image: string): Promise<string> {
    this.record('pullImage', image);
    if (this.unpullable.has(image)) throw new Error(`fake runtime: pull access denied for ${image}`);
    this.images.add(image);
    return imageRef(image);
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.images.has(image) ? { ref: imageRef(image) } : undefined;
  }

  async createContainer(sandboxId: string, config: ContainerConfig, _sandbox: PodSandboxConfig): Promise<string> {
    this.record('createContainer', config.name);
    if (!this.sandboxes.has(sandboxId)) throw new Error(`fake runtime: no sandbox ${sandboxId}`);
    const id = `container-${this.nextId++}`;
    this.containers.set(id, { id, sandboxId, config, state: 'CONTAINER_CREATED', createdAt: Date.now(), log: [], followers: new Set() });
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.mustGet(containerId);
    this.record('startContainer', c.config.name);
    if (c.state !== 'CONTAINER_CREATED') throw new Error(`fake runtime: container ${containerId} is ${c.state}, not created`);
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = Date.now();
    const script = this.scripts.get(c.config.image) ?? {};
    for (const line of script.logs ?? []) this.append(c, line);
    if (script.exitAfterMs !== undefined) {
      c.timer = setTimeout(() => this.finish(c, script.exitCode ?? 0), script.exitAfterMs);
      c.timer.unref();
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    this.record('stopContainer', `${c?.config.name ?? containerId} ${timeoutSeconds}`);
    if (!c || c.state !== 'CONTAINER_RUNNING') return;
    if (this.scripts.get(c.config.image)?.ignoreTerm) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, timeoutSeconds) * 1000));
      if (c.state === 'CONTAINER_RUNNING') this.finish(c, 137, 'Killed');
      return;
    }
    this.finish(c, 143);
  }

  async removeContainer(containerId: string): Promise<void> {
    this.record('removeContainer', containerId);
    const c = this.containers.get(containerId);
    if (c) this.drop(c);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(containerId);
    return c && containerStatus(c);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()]
      .filter(
        (c) =>
          (filter.id === undefined || c.id === filter.id) &&
          (filter.podSandboxId === undefined || c.sandboxId === filter.podSandboxId) &&
          (filter.state === undefined || c.state === filter.state) &&
          matches(c.config.labels, filter.labels),
      )
      .map(containerStatus);
  }

  logs(containerId: string, options: LogOptions = {}): Readable {
    const c = this.containers.get(containerId);
    if (!c) return Readable.from([]);
    let lines = c.log.filter((l) => options.since === undefined || l.time >= options.since);
    if (options.tailLines !== undefined) lines = options.tailLines > 0 ? lines.slice(-options.tailLines) : [];
    const format = (l: { time: number; line: string }): string => `${options.timestamps ? `${new Date(l.time).toISOString()} ` : ''}${l.line}\n`;
    const out = new PassThrough();
    for (const l of lines) out.write(format(l));
    if (!options.follow || c.state !== 'CONTAINER_RUNNING') {
      out.end();
      return out;
    }
    // Followers get lines in the same format as they are printed.
    const follower = new PassThrough({ objectMode: true });
    follower.on('data', (l: { time: number; line: string }) => out.write(format(l)));
    follower.on('end', () => out.end());
    c.followers.add(follower);
    const stop = (): void => {
      c.followers.delete(follower);
      follower.end();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    out.on('close', stop);
    return out;
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    const c = this.mustGet(containerId);
    this.record('exec', `${c.config.name} ${options.command.join(' ')}`);
    if (c.state !== 'CONTAINER_RUNNING') throw new Error(`fake runtime: container ${containerId} is not running`);
    const stdin = options.stdin ? new PassThrough() : undefined;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const io = { stdin, stdout, stderr };
    const run = async (): Promise<number> => {
      const custom = this.execHandler ? await this.execHandler(c, options, io) : undefined;
      return custom ?? (await builtinExec(options.command, io));
    };
    const exitCode = run().then(
      (code) => {
        stdout.end();
        stderr.end();
        return code;
      },
      (err: Error) => {
        stderr.end(`${err.message}\n`);
        stdout.end();
        return 126;
      },
    );
    return {
      stdin,
      stdout,
      stderr,
      exitCode,
      resize: options.tty ? (cols, rows) => void this.resizes.push({ containerId, cols, rows }) : undefined,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Stops every timer (test teardown); containers are left as they are. */
  dispose(): void {
    for (const c of this.containers.values()) if (c.timer) clearTimeout(c.timer);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private record(method: string, arg: string): void {
    this.calls.push(`${method} ${arg}`);
  }

  private mustGet(containerId: string): FakeContainer {
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`fake runtime: no container ${containerId}`);
    return c;
  }

  private append(c: FakeContainer, line: string): void {
    const entry = { time: Date.now(), line };
    c.log.push(entry);
    for (const f of c.followers) f.write(entry);
  }

  private finish(c: FakeContainer, exitCode: number, reason?: string): void {
    if (c.timer) clearTimeout(c.timer);
    c.state = 'CONTAINER_EXITED';
    c.exitCode = exitCode;
    c.reason = reason;
    c.finishedAt = Date.now();
    for (const f of c.followers) f.end();
    c.followers.clear();
  }

  private drop(c: FakeContainer): void {
    if (c.state === 'CONTAINER_RUNNING') this.finish(c, 137, 'Killed');
    this.containers.delete(c.id);
  }
}

function idNumber(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1));
}

function imageRef(image: string): string {
  return `fake-registry/${image}@sha256:${Buffer.from(image).toString('hex').padEnd(16, '0').slice(0, 16)}`;
}

function matches(labels: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => labels[k] === v);
}

function sandboxStatus(s: FakeSandbox): PodSandboxStatus {
  return {
    id: s.id,
    uid: s.config.uid,
    name: s.config.name,
    namespace: s.config.namespace,
    state: s.state,
    createdAt: s.createdAt,
    ip: s.config.ip,
    labels: s.config.labels,
  };
}

function containerStatus(c: FakeContainer): ContainerStatus {
  return {
    id: c.id,
    podSandboxId: c.sandboxId,
    name: c.config.name,
    image: c.config.image,
    imageRef: imageRef(c.config.image),
    state: c.state,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    exitCode: c.exitCode,
    reason: c.reason,
    labels: c.config.labels,
  };
}

/** `true`, `false`, `exit N`, `echo ...`, `cat` (stdin to stdout); anything else: 127. */
async function builtinExec(command: readonly string[], io: { stdin?: PassThrough; stdout: PassThrough; stderr: PassThrough }): Promise<number> {
  const [name, ...args] = command;
  switch (name) {
    case 'true':
      return 0;
    case 'false':
      return 1;
    case 'exit':
      return Number(args[0] ?? 0);
    case 'echo':
      io.stdout.write(`${args.join(' ')}\n`);
      return 0;
    case 'cat':
      if (io.stdin) for await (const chunk of io.stdin) io.stdout.write(chunk as Buffer);
      return 0;
    default:
      io.stderr.write(`${name ?? ''}: command not found\n`);
      return 127;
  }
}
