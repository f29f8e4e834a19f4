import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriClient } from '../cri/CriClient.js';
import { CriUnimplementedError } from '../cri/errors.js';
import { BUSYBOX_IMAGE, buildBusyboxArchive, importImage } from './busyboxImage.js';
import { CNI_BIN_DIR, checkCniPlugins, findBinary } from './binaries.js';
import { cniConflist, containerdConfig, type ContainerdPaths } from './config.js';
import { daemonsOf, deleteLink, mountsUnder, processesInCgroup, removeCgroupTree, removeCniCache, shimsOf, unmountUnder } from './hostCleanup.js';
import { claimNetSlot, type NetSlot } from './netSlot.js';
import { run, sleep } from './run.js';

// A private containerd with its CRI plugin, for tests: its own root, state, socket, CNI config
// and bridge, the busybox image imported as the sandbox image. stop() removes every pod, ends
// containerd by its pid, and takes away what it left: shims, mounts, netns, cgroups, bridge.

export interface StartContainerdOptions {
  /** Default: overlayfs when an overlay mounts here, else native. */
  snapshotter?: 'overlayfs' | 'native';
  /** false starts containerd with its CRI plugin disabled. Default true. */
  cri?: boolean;
  /** How long to wait for CRI and its pod network to be ready. Default 30 s. */
  startTimeoutMs?: number;
}

export interface ContainerdProcess {
  /** `unix://<socket>`, for the adapter's `endpoint` option. */
  readonly endpoint: string;
  readonly socket: string;
  readonly pid: number;
  readonly dir: string;
  readonly snapshotter: string;
  /** The image every test container and the sandbox run (busybox). */
  readonly image: string;
  /** The cgroup parent to hand the adapter, so stop() can remove what it made. */
  readonly cgroupParent: string;
  /** The CNI bridge pods are attached to, and its subnet. */
  readonly bridge: string;
  readonly subnet: string;
  readonly gateway: string;
  /** containerd's own log, for failures. */
  log(): string;
  /**
   * Removes every pod, stops containerd and cleans up after it. Resolves to the pids of shims
   * that outlived containerd's pods and had to be killed (empty when all went well).
   */
  stop(): Promise<number[]>;
}

const SOCKET = 'ctd.sock';
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies without stop() still takes its containerd down; what it leaves
  // (shims, mounts, the bridge) is cleaned up by the next start that takes over its slot.
  process.once('exit', () => {
    for (const child of running) if (child.pid) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
  });
}

async function overlayWorks(dir: string): Promise<boolean> {
  const probe = join(dir, 'overlay-probe');
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(probe, d)) as [string, string, string, string];
  for (const d of [lower, upper, work, merged]) mkdirSync(d, { recursive: true });
  try {
    await run(findBinary('mount'), ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    await run(findBinary('umount'), [merged]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startContainerd(options: StartContainerdOptions = {}): Promise<ContainerdProcess> {
  if (process.getuid?.() !== 0) throw new Error('startContainerd needs root (containerd mounts, and runs runc and CNI)');
  const containerd = findBinary('containerd');
  findBinary('runc');
  findBinary('containerd-shim-runc-v2');
  checkCniPlugins();
  installExitHook();

  // Short: the socket path must fit in sockaddr_un (108 bytes) with `.ttrpc` appended.
  const dir = mkdtempSync('/tmp/ctd-');
  let slot: NetSlot | undefined;
  let child: ChildProcess | undefined;
  try {
    slot = await claimNetSlot(dir);
    if (slot.staleDir) await cleanUp(slot.staleDir, slot, false);
    const paths: ContainerdPaths = {
      dir,
      root: join(dir, 'root'),
      state: join(dir, 'state'),
      socket: join(dir, SOCKET),
      cniConfDir: join(dir, 'cni'),
      cniBinDir: CNI_BIN_DIR,
      runcRoot: join(dir, 'runc'),
    };
    for (const d of [paths.root, paths.state, paths.cniConfDir]) mkdirSync(d, { recursive: true });
    const snapshotter = options.snapshotter ?? ((await overlayWorks(dir)) ? 'overlayfs' : 'native');
    const network = { name: networkName(slot), bridge: slot.bridge, subnet: slot.subnet, gateway: slot.gateway, ipamDataDir: join(dir, 'ipam') };
    writeFileSync(join(paths.cniConfDir, '10-corral-test.conflist'), cniConflist(network));
    let config = containerdConfig(paths, snapshotter, BUSYBOX_IMAGE);
    if (options.cri === false) config = config.replace('disabled_plugins = [', 'disabled_plugins = [\n  "io.containerd.grpc.v1.cri",');
    const configFile = join(dir, 'config.toml');
    writeFileSync(configFile, config);

    const logFile = join(dir, 'containerd.log');
    const logFd = openSync(logFile, 'a');
    child = spawn(containerd, ['--config', configFile], { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    running.add(child);
    const proc = child;
    proc.once('exit', () => running.delete(proc));
    const log = (): string => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    };

    await waitReady(proc, paths.socket, options.cri !== false, options.startTimeoutMs ?? 30_000, log);
    if (options.cri !== false) {
      const archive = await buildBusyboxArchive(join(dir, 'image'));
      await importImage(paths.socket, archive, snapshotter);
      rmSync(join(dir, 'image'), { recursive: true, force: true });
    }

    const claimed = slot;
    const cgroupParent = cgroupParentOf(claimed);
    return {
      endpoint: `unix://${paths.socket}`,
      socket: paths.socket,
      pid: proc.pid!,
      dir,
      snapshotter,
      image: BUSYBOX_IMAGE,
      cgroupParent,
      bridge: claimed.bridge,
      subnet: claimed.subnet,
      gateway: claimed.gateway,
      log,
      async stop() {
        if (options.cri !== false) await removeAllPods(`unix://${paths.socket}`).catch(() => undefined);
        await stopProcess(proc);
        return cleanUp(dir, claimed);
      },
    };
  } catch (err) {
    if (child) await stopProcess(child);
    if (slot) await cleanUp(dir, slot).catch(() => undefined);
    else rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function waitReady(child: ChildProcess, socket: string, cri: boolean, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const client = new CriClient(`unix://${socket}`);
  let last = 'no socket yet';
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`containerd exited (code ${child.exitCode}, signal ${child.signalCode}) during start-up:\n${log().slice(-4000)}`);
      }
      if (existsSync(socket)) {
        try {
          if (!cri) {
            await run(findBinary('ctr'), ['-a', socket, 'version']);
            return;
          }
          const status = await client.runtime('Status', {}, 2000);
          const notReady = (status.status?.conditions ?? []).filter((c) => !c.status);
          if (notReady.length === 0) return;
          last = notReady.map((c) => `${c.type}: ${c.reason} ${c.message}`).join('; ');
        } catch (err) {
          // CRI registers while containerd boots: a serving socket without it will not get it.
          if (err instanceof CriUnimplementedError) throw new Error(`${err.message}\n${log().slice(-4000)}`);
          last = (err as Error).message;
        }
      }
      if (Date.now() > deadline) throw new Error(`containerd at ${socket} was not ready within ${timeoutMs} ms (${last}):\n${log().slice(-4000)}`);
      await sleep(100);
    }
  } finally {
    client.close();
  }
}

/** Stops and removes every pod sandbox, so containerd ends its shims itself. */
async function removeAllPods(endpoint: string): Promise<void> {
  const client = new CriClient(endpoint);
  try {
    const { items } = await client.runtime('ListPodSandbox', {});
    for (const sandbox of items) {
      await client.runtime('StopPodSandbox', { pod_sandbox_id: sandbox.id }).catch(() => undefined);
      await client.runtime('RemovePodSandbox', { pod_sandbox_id: sandbox.id }).catch(() => undefined);
    }
  } finally {
    client.close();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

function networkName(slot: NetSlot): string {
  return `corral-cri-test-${slot.index}`;
}

function cgroupParentOf(slot: NetSlot): string {
  return `/corral-cri-test-${slot.index}`;
}

/** Takes away what the containerd living in `dir` left; the shims' pids that had to be killed. */
async function cleanUp(dir: string, slot: NetSlot, release = true): Promise<number[]> {
  const socket = join(dir, SOCKET);
  const cgroupParent = cgroupParentOf(slot);
  // Shims outlive containerd by design; after a clean stop there are none. Their containers'
  // processes live in our cgroup tree and go with them.
  for (const pid of daemonsOf(join(dir, 'config.toml'))) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  const leftover = shimsOf(socket);
  const orphans = processesInCgroup(cgroupParent);
  for (const pid of [...leftover, ...orphans]) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  if (leftover.length + orphans.length > 0) await sleep(300);
  await unmountUnder(dir);
  removeCgroupTree(cgroupParent);
  removeCniCache(networkName(slot));
  await deleteLink(slot.bridge).catch(() => undefined);
  if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  if (release) slot.release();
  return leftover;
}
