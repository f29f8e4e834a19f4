import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { isAlive, type ProcessRef } from './procs.js';

/**
 * Writes `path` so that a reader (or an agent killed mid-write) sees the old content or the
 * new, never a part: a temp file beside it, then rename. No fsync: the records describe
 * processes, which a power loss ends anyway, and fsync would make every pod start wait for
 * the disk; a record damaged by a power loss is skipped with a warning at load.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes `values` NUL-separated (the shim's input format: any byte but NUL is allowed). */
export function nulList(values: readonly string[]): string {
  for (const v of values) {
    if (v.includes('\0')) throw new Error(`runtime-process: a value contains a NUL byte: ${JSON.stringify(v.slice(0, 40))}`);
  }
  return values.map((v) => `${v}\0`).join('');
}

/**
 * Resolves true once one of `names` exists in `dir`, false after `timeoutMs`. Watches the
 * directory (inotify) rather than polling it, so that many containers starting at once do not
 * flood the file system thread pool; a slow poll covers events a watch can miss.
 */
export function waitForFile(dir: string, names: readonly string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const check = () => {
      void Promise.all(names.map((n) => access(join(dir, n)).then(() => true, () => false))).then((found) => {
        if (found.some(Boolean)) finish(true);
      });
    };
    const finish = (result: boolean) => {
      if (settled) return;
      settled = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(result);
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dir, (_event, name) => {
        if (name && names.includes(String(name))) check();
      });
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined;
    }
    const poll = setInterval(check, 100);
    const timer = setTimeout(() => finish(false), timeoutMs);
    check();
  });
}

/**
 * Waits for `name` to appear in `dir` while `process` lives: `found`, `ended` (the process is
 * gone and the file is not there) or `timeout`.
 */
export async function waitForFileOrEnd(dir: string, name: string, process: ProcessRef, timeoutMs: number): Promise<'found' | 'ended' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await waitForFile(dir, [name], Math.min(250, Math.max(1, deadline - Date.now())))) return 'found';
    if (!(await isAlive(process))) return (await access(join(dir, name)).then(() => true, () => false)) ? 'found' : 'ended';
    if (Date.now() >= deadline) return 'timeout';
  }
}
