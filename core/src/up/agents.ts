// The node agents of `corral up --nodes`: each one `corral agent`, a child process inside its
// node's namespace, with its output in a log file of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeNames } from './names.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface AgentChildOptions {
  node: NodeNames;
  config: string;
  kubeconfig: string;
  /** The node's state (its root dir); its log goes beside it. */
  stateDir: string;
  runtime?: string;
  keepPods: boolean;
  /** Told when the agent ends without being asked to. */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface AgentChild {
  readonly node: NodeNames;
  readonly pid: number;
  readonly logFile: string;
  /** The end of its log, for a message. */
  tail(lines?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startAgentChild(options: AgentChildOptions): AgentChild {
  const { node } = options;
  const logFile = join(options.stateDir, `${node.name}.log`);
  // nsenter, not `ip netns exec`: that one gives the agent a mount namespace of its own, where
  // the pod network namespaces it creates (bind mounts under /run/netns) would stay, unseen by
  // the host and by the agent that takes over after a restart, which could then not adopt the
  // pods. Only the network namespace is the node's.
  const args = [
    `--net=/run/netns/${node.netns}`, '--', process.execPath, CLI, 'agent',
    '--config', options.config,
    '--kubeconfig', options.kubeconfig,
    '--node-name', node.name,
    '--root-dir', join(options.stateDir, node.name),
    '--port', '10250',
    '--address', node.ip,
    '--node-ip', node.ip,
    ...(options.runtime ? ['--runtime', options.runtime] : []),
    ...(options.keepPods ? [] : ['--stop-pods']),
  ];
  // Straight into the file, not through this process: an agent outlives a `corral up` that is
  // killed (the next one stops it), and must not die of a broken pipe meanwhile.
  const log = openSync(logFile, 'a');
  // nsenter execs the agent, so this PID is the agent's own.
  const child: ChildProcess = spawn('nsenter', args, { stdio: ['ignore', log, log], env: { ...process.env, CORRAL_CONFIG: '' } });
  closeSync(log);
  let stopping = false;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      if (!stopping) options.onExit(code, signal);
      done();
    }),
  );
  return {
    node,
    pid: child.pid ?? 0,
    logFile,
    async tail(lines = 15) {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop(graceMs = 60_000) {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
