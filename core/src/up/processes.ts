import { readFileSync } from 'node:fs';
import { ip } from '../net/ip.js';

/** Running: a zombie (ended, not yet reaped by its parent) counts as gone. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The processes whose network namespace is `netns` (a named one). */
export async function processesIn(netns: string): Promise<number[]> {
  const out = await ip(['netns', 'pids', netns]).catch(() => '');
  return out.split("\n").map(Number).filter((pid) => pid > 0 && pid !== process.pid && alive(pid));
}

/** The command line of `pid`, its arguments joined by spaces ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * SIGTERM, then SIGKILL after `graceMs`, to the processes in `netns` (those `only` accepts);
 * answers how many there were.
 */
export async function stopProcessesIn(netns: string, only: (pid: number) => boolean = () => true, graceMs = 30_000): Promise<number> {
  const pids = (await processesIn(netns)).filter(only);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  return pids.length;
}

/**
 * SIGKILL to the processes in `netns` that `only` accepts, waiting until they are gone: for
 * agents whose SIGTERM handling would do more than end them. Answers how many there were.
 */
export async function killProcessesIn(netns: string, only: (pid: number) => boolean): Promise<number> {
  const pids = (await processesIn(netns)).filter(only);
  for (const pid of pids) signal(pid, 'SIGKILL');
  // Gone at once, unless stuck in the kernel (a hung mount): then not waited for forever.
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return pids.length;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already.
  }
}
