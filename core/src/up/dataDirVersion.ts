// A marker of the Corral version that last ran on a data dir: a newer Corral may have written
// objects or files this one cannot read, so an older one refuses the dir instead of damaging it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const VERSION_FILE = 'corral-version.json';

const { version: CORRAL_VERSION } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export { CORRAL_VERSION };

export class DataDirVersionError extends Error {
  override readonly name = 'DataDirVersionError';
}

/** -1, 0 or 1; pre-release and build tags are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The version recorded in `dir`, if any. */
export function recordedVersion(dir: string): string | undefined {
  const file = join(dir, VERSION_FILE);
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataDirVersionError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    if (typeof version === 'string') return version;
  } catch {
    // Reported below.
  }
  throw new DataDirVersionError(`${file} is not a Corral version marker ({"version": "x.y.z"}); move it away if the data dir is yours`);
}

/** Throws when `dir` was last used by a newer Corral than `current`. */
export function checkDataDirVersion(dir: string, current = CORRAL_VERSION): void {
  const recorded = recordedVersion(dir);
  if (recorded !== undefined && compareVersions(recorded, current) > 0) {
    throw new DataDirVersionError(
      `the data dir ${dir} was written by Corral ${recorded}, newer than this Corral ${current}: run Corral ${recorded} or newer on it, or give another --data-dir`,
    );
  }
}

/** Records `current` in `dir` (a missing or older marker is brought up to date). */
export function markDataDirVersion(dir: string, current = CORRAL_VERSION): void {
  if (recordedVersion(dir) === current) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, VERSION_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: current, writtenAt: new Date().toISOString() }) + '\n');
  renameSync(tmp, file);
}
