import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import Docker from 'dockerode';

// A private Docker daemon for tests: its own socket, data, exec root and config file, so no
// system Docker is touched; stopped by its pid, its mounts undone and its directory removed.

export interface StartDockerdOptions {
  /** The dockerd executable; default $DOCKERD_BIN, else dockerd on PATH or in /usr/sbin. */
  binary?: string;
  /** How long to wait for the daemon to answer. Default 60 s. */
  startTimeoutMs?: number;
  /** More dockerd flags. */
  extraArgs?: string[];
}

export interface DockerdProcess {
  /** The socket path, e.g. /tmp/cdk-Ab12Cd/docker.sock. */
  readonly socketPath: string;
  /** The same as `unix://<socketPath>` (for DOCKER_HOST or the runtime's `socket` option). */
  readonly host: string;
  readonly pid: number;
  /** The temp directory holding everything this daemon wrote. */
  readonly dir: string;
  /** A client on this daemon. */
  readonly docker: Docker;
  /** Removes every container, ends the daemon (TERM, then KILL), unmounts and deletes its dir. */
  stop(): Promise<void>;
}

const NOT_FOUND = "dockerd not found: install Debian's docker.io (apt-get install docker.io)";

function findDockerd(opts: StartDockerdOptions): string {
  const explicit = opts.binary ?? process.env.DOCKERD_BIN;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'];
  const candidates = explicit ? [explicit] : dirs.filter(Boolean).map((d) => join(d, 'dockerd'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(explicit ? `${NOT_FOUND} (${explicit} is not an executable)` : NOT_FOUND);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function startDockerd(opts: StartDockerdOptions = {}): Promise<DockerdProcess> {
  const binary = findDockerd(opts);
  // Short: containerd's sockets live under the exec root, and unix socket paths max out at 108 bytes.
  const dir = mkdtempSync('/tmp/cdk-');
  const socketPath = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const configFile = join(dir, 'daemon.json');
  writeFileSync(configFile, '{}\n');
  const args = [
    '--host', `unix://${socketPath}`,
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'x'),
    '--pidfile', join(dir, 'docker.pid'),
    '--config-file', configFile,
    '--bridge', 'none',
    '--iptables=false',
    '--ip6tables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    '--shutdown-timeout', '2',
    ...(opts.extraArgs ?? []),
  ];
  const log = openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const pid = child.pid;
  const docker = new Docker({ socketPath });

  const cleanupDir = () => {
    for (const point of mountsUnder(dir)) spawnSync('umount', ['-l', point]);
    rmSync(dir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (!exited) {
      try {
        const all = await docker.listContainers({ all: true });
        await Promise.all(all.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
      } catch {
        // the daemon may not answer any more; stopping it still cleans up
      }
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gone = await Promise.race([exit.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20_000)))]);
      clearTimeout(timer);
      if (!gone) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    cleanupDir();
  };

  if (pid === undefined) {
    cleanupDir();
    throw new Error(`could not start ${binary}`);
  }
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      const tail = logTail(logFile);
      cleanupDir();
      throw new Error(`dockerd exited during start-up (socket ${socketPath}); its log ends:\n${tail}`);
    }
    try {
      await docker.ping();
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const tail = logTail(logFile);
      await stop();
      throw new Error(`dockerd did not answer on ${socketPath} within ${opts.startTimeoutMs ?? 60_000} ms; its log ends:\n${tail}`);
    }
    await sleep(100);
  }
  return { socketPath, host: `unix://${socketPath}`, pid, dir, docker, stop };
}
