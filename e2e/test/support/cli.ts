// The `corral` CLI (and kubectl) run to their end, as a user types them against a cluster.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORRAL_BIN = fileURLToPath(new URL('../../../../core/dist/src/cli/main.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Used through $KUBECONFIG, so no flag has to go in a particular place among the arguments. */
  readonly kubeconfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** `corral ARGS...`: its exit code and output (it never rejects). */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return runProgram(process.execPath, [CORRAL_BIN, ...args], options);
}

/** `kubectl ARGS...` (the one on PATH, or $KUBECTL): its exit code and output. */
export function runKubectl(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return runProgram(process.env.KUBECTL ?? 'kubectl', args, options);
}

/** `corral ARGS...` that must succeed: its stdout, or a rejection with the command and all it printed. */
export async function corral(args: readonly string[], options: CliOptions = {}): Promise<string> {
  const result = await runCli(args, options);
  if (result.code !== 0) throw new Error(`corral ${args.join(' ')}: exit code ${result.code}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function runProgram(program: string, args: readonly string[], options: CliOptions): Promise<CliResult> {
  const env = { ...process.env, CORRAL_CONFIG: '', ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}), ...options.env };
  return new Promise((resolve) => {
    const child = execFile(program, [...args], { env, maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 120_000 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr: err && typeof code !== 'number' ? `${stderr}${err.message}\n` : stderr });
    });
    child.stdin?.end();
  });
}

/** $KUBECTL, or the kubectl on PATH; undefined when there is none (the test then says so). */
export function findKubectl(): string | undefined {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'kubectl'), constants.X_OK);
      return join(dir, 'kubectl');
    } catch {
      // not here
    }
  }
  return undefined;
}
