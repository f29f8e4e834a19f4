// Child processes for e2e tests: start one, keep its output, wait for a line, stop it by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface Child {
  readonly process: ChildProcess;
  output(): string;
  /** Resolves when the output contains `text`; rejects if the process ends first or after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM (or `signal`), then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

export interface ChildOptions {
  /**
   * Where stdout and stderr go instead of pipes: a process writing to a file outlives this one
   * without dying of a broken pipe, so an interrupted test still leaves it to stop cleanly.
   */
  readonly logFile?: string;
  /** Runs `command` with these in front of it (e.g. a program that switches user). */
  readonly prefix?: readonly string[];
}

export function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, options: ChildOptions = {}): Child {
  const [program, ...programArgs] = [...(options.prefix ?? []), command, ...args];
  const fd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const stdio = fd === undefined ? (['ignore', 'pipe', 'pipe'] as const) : (['ignore', fd, fd] as const);
  const child = spawn(program!, programArgs, { env: { ...process.env, CORRAL_CONFIG: '', ...env }, stdio: [...stdio] });
  if (fd !== undefined) closeSync(fd);
  let piped = '';
  child.stdout?.on('data', (d: Buffer) => (piped += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (piped += d.toString()));
  // The last output read from the log file, for when the file is gone with its temp dir.
  let logged = '';
  const output = () => {
    if (options.logFile === undefined) return piped;
    try {
      logged = readFileSync(options.logFile, 'utf8');
    } catch {
      // removed already: keep what was read last
    }
    return logged;
  };
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal) piped += `\n[${command} ended by ${signal}]\n`;
      output();
      resolve(code);
    }),
  );
  return {
    process: child,
    output,
    exited,
    async waitFor(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof text === 'string' ? output().includes(text) : text.test(output()));
      while (!seen()) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before "${text}":\n${output()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" from ${command} ${args.join(' ')}:\n${output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** SIGINT (Ctrl-C), and SIGKILL if the process has not ended within `ms` (an agent whose server is gone); the exit code. */
export async function stopWithin(child: Child, ms: number): Promise<number | null> {
  const timer = setTimeout(() => void child.stop('SIGKILL'), ms);
  try {
    return await child.stop('SIGINT');
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a process of this PID exists (signal 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
