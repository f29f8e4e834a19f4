import { readFileSync } from 'node:fs';

/** A process as recorded in state: its pid and its start time, which guards against pid reuse. */
export interface ProcessRef {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot). */
  readonly startTime: string;
}

/**
 * Read synchronously: procfs answers from memory without blocking, and the relist reads one
 * file per container every second, where an asynchronous read costs four trips through the
 * thread pool (open, stat, read, close) and most of the agent's CPU time with 100 pods.
 */
async function readStat(pid: number): Promise<{ state: string; startTime: string } | undefined> {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

export async function processRef(pid: number): Promise<ProcessRef> {
  const stat = await readStat(pid);
  return { pid, startTime: stat?.startTime ?? '' };
}

/** Alive, and the same process that was recorded (not a zombie, not a reused pid). */
export async function isAlive(ref: ProcessRef | undefined): Promise<boolean> {
  if (!ref) return false;
  const stat = await readStat(ref.pid);
  return !!stat && stat.state !== 'Z' && stat.state !== 'X' && stat.startTime === ref.startTime;
}

/** Signals a process (or a group, with a negative pid); a missing one is not an error. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `intervalMs` until it holds or `timeoutMs` passed; returns whether it held. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await delay(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}
