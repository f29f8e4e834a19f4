import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ExecOptions, ExecSession } from '@corral/core/kernel';

export interface ExecTarget {
  /** The container's main process, whose namespaces the command joins; none without namespaces. */
  readonly pid?: number;
  readonly hostNetwork: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly workingDir: string;
  /** The container's cgroup.procs files: exec'd processes count against its limits and die with it. */
  readonly cgroupProcs: readonly string[];
}

const JOIN_CGROUPS = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 126; shift; n=$((n - 1)); done; exec "$@"';

/** Quotes one word for sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs a command inside a running container: nsenter into its mount, UTS, IPC and network
 * namespaces and its working directory, with its environment; a TTY through `script`.
 */
export function execIn(target: ExecTarget, options: ExecOptions, tools: { sh: string; nsenter?: string; script?: string }, where: string): Promise<ExecSession> {
  if (options.command.length === 0) return Promise.reject(new Error(`runtime-process: exec in ${where}: empty command`));
  let argv = [...options.command];
  if (options.tty) {
    if (!tools.script) return Promise.reject(new Error(`runtime-process: exec in ${where} with a TTY needs script (Debian package bsdutils)`));
    argv = [tools.script, '-qfec', argv.map(shellQuote).join(' '), '/dev/null'];
  }
  if (target.pid !== undefined) {
    if (!tools.nsenter) return Promise.reject(new Error(`runtime-process: exec in ${where} needs nsenter (Debian package util-linux)`));
    const namespaces = ['--mount', '--uts', '--ipc', ...(target.hostNetwork ? [] : ['--net'])];
    argv = [tools.nsenter, '--target', String(target.pid), ...namespaces, '--wd', '--', ...argv];
  }
  if (target.cgroupProcs.length > 0) {
    argv = [tools.sh, '-c', JOIN_CGROUPS, 'corral-exec', String(target.cgroupProcs.length), ...target.cgroupProcs, ...argv];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: target.env,
      cwd: target.pid === undefined ? target.workingDir : '/',
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const exitCode = new Promise<number>((done) => {
      child.on('close', (code, sig) => done(code ?? 128 + (sig ? constants.signals[sig] : 0)));
    });
    child.once('error', (err) => reject(new Error(`runtime-process: exec in ${where}: ${err.message}`)));
    child.once('spawn', () => {
      // A reader that goes away must not crash the agent.
      child.stdin?.on('error', () => undefined);
      resolve({ ...(child.stdin ? { stdin: child.stdin } : {}), stdout: child.stdout!, stderr: child.stderr!, exitCode });
    });
  });
}

