import { readFileSync } from 'node:fs';
import { readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';

// One process per data dir: a LOCK file holding the owner's pid and start time. A lock whose
// process is gone (a kill -9) is stale and taken over; the start time guards against a reused pid.

const heldHere = new Set<string>();

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(pid);
  return start === undefined || now === undefined || now === start;
}

function locked(dir: string, lockPath: string, owner: string): StoreError {
  return new StoreError(
    'Unavailable',
    `data dir ${dir} is in use by ${owner} (lock file ${lockPath}); stop that process first, two cannot share one store`,
    { file: lockPath },
  );
}

/** Takes the lock on `dir`; returns the function that releases it. */
export async function acquireLock(dir: string, notice: (message: string) => void): Promise<() => Promise<void>> {
  const real = await realpath(dir);
  const lockPath = join(real, 'LOCK');
  if (heldHere.has(real)) throw locked(dir, lockPath, 'another store in this process');
  const mine = JSON.stringify({ pid: process.pid, start: startTime(process.pid) ?? null });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lockPath, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw locked(dir, lockPath, 'another process');
        throw err;
      }
    }
    let owner: { pid?: unknown; start?: unknown } = {};
    try {
      owner = JSON.parse(await readFile(lockPath, 'utf8')) as typeof owner;
    } catch {
      // An unreadable or half-written lock file: its writer died before finishing it.
    }
    if (typeof owner.pid === 'number' && alive(owner.pid, typeof owner.start === 'string' ? owner.start : undefined)) {
      throw locked(dir, lockPath, `process ${owner.pid}`);
    }
    notice(`${lockPath}: taking over a stale lock (process ${String(owner.pid)} is gone)`);
    await rm(lockPath, { force: true });
  }
  heldHere.add(real);
  return async () => {
    heldHere.delete(real);
    try {
      if ((await readFile(lockPath, 'utf8')) === mine) await rm(lockPath, { force: true });
    } catch {
      // Already gone: nothing to release.
    }
  };
}
