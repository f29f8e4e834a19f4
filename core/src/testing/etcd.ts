import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// A real etcd for tests and benchmarks: its own loopback ports and temp data dir, health
// checked before use, and stopped by pid (never by name) with its dir removed.

export interface StartEtcdOptions {
  /** The etcd executable; default: $ETCD_BIN, else `etcd` on PATH. */
  binary?: string;
  /** The PATH to search (default process.env.PATH). */
  pathEnv?: string;
  /** How long to wait for etcd to become healthy. Default 15 s. */
  startTimeoutMs?: number;
  /** More command-line flags for etcd. */
  extraArgs?: string[];
}

export interface EtcdProcess {
  /** Client URL, e.g. http://127.0.0.1:40123. */
  endpoint: string;
  pid: number;
  dataDir: string;
  /** Ends this etcd (SIGTERM, then SIGKILL) and removes its data dir. */
  stop(): Promise<void>;
  /** SIGKILLs this etcd and waits for it to exit; keeps the data dir (for restart or stop). */
  kill9(): Promise<void>;
  /** Starts etcd again on the same ports and data dir (after kill9, or while running). */
  restart(): Promise<void>;
}

const NOT_FOUND = "etcd not found on PATH: install Debian's etcd-server (bash .ci/run does)";

function findEtcd(opts: StartEtcdOptions): string {
  const explicit = opts.binary ?? process.env.ETCD_BIN;
  if (explicit) {
    try {
      accessSync(explicit, constants.X_OK);
      return explicit;
    } catch {
      throw new Error(`${NOT_FOUND} (${explicit} is not an executable)`);
    }
  }
  for (const dir of (opts.pathEnv ?? process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(NOT_FOUND);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Children still running, killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) if (c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
}

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdProcess> {
  const binary = findEtcd(opts);
  installExitHook();
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-etcd-'));
  dirs.add(dataDir);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const clientPort = await freePort();
    const peerPort = await freePort();
    try {
      return await launch(binary, dataDir, clientPort, peerPort, opts);
    } catch (err) {
      lastError = err as Error;
      // A port taken between probing and binding: try other ports.
      if (!/address already in use/.test(lastError.message)) break;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  dirs.delete(dataDir);
  throw lastError ?? new Error('etcd did not start');
}

async function launch(binary: string, dataDir: string, clientPort: number, peerPort: number, opts: StartEtcdOptions): Promise<EtcdProcess> {
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'corral-test',
    '--data-dir', dataDir,
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `corral-test=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-level', 'error',
    ...(opts.extraArgs ?? []),
  ];
  const timeout = opts.startTimeoutMs ?? 15_000;

  const spawnOnce = async (): Promise<ChildProcess> => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    child.once('exit', () => running.delete(child));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const deadline = Date.now() + timeout;
    for (;;) {
      const early = await Promise.race([spawnError, sleep(50).then(() => undefined)]);
      if (early) throw new Error(`could not run ${binary}: ${early.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`etcd exited (code ${child.exitCode}, signal ${child.signalCode}) before it was healthy:\n${stderr}`);
      }
      if (await healthy(endpoint)) {
        child.stderr!.resume();
        return child;
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await exited(child);
        throw new Error(`etcd at ${endpoint} was not healthy within ${timeout} ms:\n${stderr}`);
      }
    }
  };

  let child = await spawnOnce();
  const handle: EtcdProcess = {
    endpoint,
    pid: child.pid!,
    dataDir,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited(child);
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      dirs.delete(dataDir);
    },
    async restart() {
      await handle.kill9();
      child = await spawnOnce();
      handle.pid = child.pid!;
    },
  };
  return handle;
}
