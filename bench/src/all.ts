// `npm run bench -- all [--only a,b] [--skip c,d] [--timeout-minutes N]`: every benchmark in
// turn, each in a process of its own with its default arguments (as `npm run bench -- NAME`
// runs it alone), then bench/results/latest.json (every result, the machine, the times) and
// bench/results/latest.md (one table row per target). A benchmark that fails or runs past its
// time is a row that says so, and the others still run.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, release, totalmem, version as kernelVersion } from 'node:os';
import { join } from 'node:path';
import { withRatio, type BenchResult, type BenchTarget } from './types.js';

const DEFAULT_TIMEOUT_MINUTES = 30;
/** What of a failed benchmark's stderr goes into the report. */
const ERROR_TAIL_CHARS = 600;

export interface AllOptions {
  only?: string[];
  skip: string[];
  timeoutMs: number;
}

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  result?: BenchResult;
  error?: string;
}

function listOption(args: string[], name: string): string[] | undefined {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a comma-separated list of benchmark names`);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseAllOptions(args: string[], names: readonly string[]): AllOptions {
  const only = listOption(args, 'only');
  const skip = listOption(args, 'skip') ?? [];
  for (const n of [...(only ?? []), ...skip]) {
    if (!names.includes(n)) throw new Error(`unknown benchmark "${n}"; choose from: ${names.join(', ')}`);
  }
  const i = args.indexOf('--timeout-minutes');
  const minutes = i === -1 ? DEFAULT_TIMEOUT_MINUTES : Number(args[i + 1]);
  if (!(minutes > 0)) throw new Error('--timeout-minutes needs a positive number');
  return { ...(only ? { only } : {}), skip, timeoutMs: minutes * 60_000 };
}

function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMiBAtStart: Math.round(freemem() / 2 ** 20),
    kernel: `${release()} (${kernelVersion()})`,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Runs `main.js NAME` as its own process; its result is the JSON it writes to results/NAME.json. */
function runOne(mainScript: string, resultsDir: string, name: string, timeoutMs: number): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainScript, name], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk.toString('utf8')).slice(-4 * ERROR_TAIL_CHARS);
    });
    // Ctrl-C on `all` stops the benchmark too: it runs in a process group of its own.
    const stop = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      process.exit(130);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The benchmark's own children (etcd, load generators) go with it: it leads its group.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    const finish = async (code: number | null, signal: NodeJS.Signals | null): Promise<void> => {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      if (code === 0) {
        try {
          const result = JSON.parse(await readFile(join(resultsDir, `${name}.json`), 'utf8')) as BenchResult;
          resolve({ name, ok: true, seconds, result: { ...result, targets: result.targets.map(withRatio) } });
          return;
        } catch (err) {
          resolve({ name, ok: false, seconds, error: `its result could not be read: ${(err as Error).message}` });
          return;
        }
      }
      const why = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : signal ? `killed by ${signal}` : `exited with code ${code}`;
      const tail = stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn')).join('\n').slice(-ERROR_TAIL_CHARS);
      resolve({ name, ok: false, seconds, error: tail ? `${why}: ${tail}` : why });
    };
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ name, ok: false, seconds: 0, error: `could not start: ${err.message}` });
    });
    child.on('exit', (code, signal) => void finish(code, signal));
  });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function figure(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  return Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 1000) / 1000);
}

function targetRow(name: string, t: BenchTarget): string {
  const ratio = t.ratio !== undefined ? `${figure(t.ratio)}x` : '';
  return `| ${name} | ${cell(t.what)} | ${figure(t.value)} | ${figure(t.baseline)} | ${ratio} | ${cell(t.target)} | ${t.met ? 'met' : '**not met**'} |`;
}

export function markdown(report: { startedAt: string; machine: Record<string, unknown>; benchmarks: Outcome[] }): string {
  const m = report.machine;
  const lines = [
    `# Corral benchmarks, ${report.startedAt}`,
    '',
    `Machine: ${String(m.cores)} cores (${String(m.cpuModel)}), ${String(m.memoryMiB)} MiB, Linux ${String(m.kernel)}, Node.js ${String(m.node)}; load average at start ${(m.loadAverageAtStart as number[]).join(' ')}.`,
    'Each baseline is measured in the same run as the figure beside it; the ratio is Corral / baseline.',
    '',
    '| benchmark | what | Corral | baseline | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const b of report.benchmarks) {
    if (!b.ok) {
      lines.push(`| ${b.name} | ${cell(`failed: ${b.error ?? 'unknown error'}`)} |  |  |  |  | **failed** |`);
    } else if (b.result!.targets.length === 0) {
      lines.push(`| ${b.name} | (no targets; see latest.json) |  |  |  |  |  |`);
    } else {
      for (const t of b.result!.targets) lines.push(targetRow(b.name, t));
    }
  }
  const met = report.benchmarks.flatMap((b) => b.result?.targets ?? []).filter((t) => t.met).length;
  const total = report.benchmarks.flatMap((b) => b.result?.targets ?? []).length;
  const failed = report.benchmarks.filter((b) => !b.ok).length;
  lines.push('', `${met} of ${total} targets met; ${failed} benchmark(s) failed. Times: ${report.benchmarks.map((b) => `${b.name} ${b.seconds} s`).join(', ')}.`, '');
  return lines.join('\n');
}

export async function runAll(mainScript: string, resultsDir: string, names: readonly string[], options: AllOptions): Promise<number> {
  const chosen = names.filter((n) => (!options.only || options.only.includes(n)) && !options.skip.includes(n));
  const startedAt = new Date().toISOString();
  const info = machine();
  const benchmarks: Outcome[] = [];
  for (const name of chosen) {
    process.stderr.write(`bench all: ${name} (${benchmarks.length + 1} of ${chosen.length})\n`);
    const outcome = await runOne(mainScript, resultsDir, name, options.timeoutMs);
    process.stderr.write(`bench all: ${name} ${outcome.ok ? 'done' : 'FAILED'} in ${outcome.seconds} s\n`);
    benchmarks.push(outcome);
  }
  const report = { startedAt, finishedAt: new Date().toISOString(), machine: info, benchmarks };
  await writeFile(join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  const md = markdown(report);
  await writeFile(join(resultsDir, 'latest.md'), md);
  process.stdout.write(md);
  return benchmarks.every((b) => b.ok) ? 0 : 1;
}
