// One `corral up --nodes` per data dir: a second one would stop the first one's agents as
// leftovers. The store's own lock comes too late for that (after the leftovers are cleaned).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine } from './processes.js';

export class AlreadyRunningError extends Error {
  override readonly name = 'AlreadyRunningError';
}

/** Takes `stateDir`/up.pid, or throws naming the live `corral up` that holds it. Answers the release. */
export function claimPidFile(stateDir: string, dataDir: string): () => void {
  const file = join(stateDir, 'up.pid');
  let holder = NaN;
  try {
    holder = Number(readFileSync(file, 'utf8').trim());
  } catch {
    // None yet.
  }
  if (holder > 0 && holder !== process.pid && / up\b/.test(commandLine(holder))) {
    throw new AlreadyRunningError(`another corral up (process ${holder}) runs on ${dataDir}; stop it first (Ctrl-C, or kill ${holder}), or give another --data-dir`);
  }
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}
