import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkExists } from './hostCleanup.js';

// Test containerds running at the same time (ava runs files in parallel) each need a bridge
// name and a subnet of their own. A slot is claimed by creating its lock directory (atomic);
// a lock whose owner died is taken over.

const LOCK_ROOT = '/tmp';
const SLOTS = 64;

export interface NetSlot {
  readonly index: number;
  readonly bridge: string;
  readonly subnet: string;
  readonly gateway: string;
  /** The directory of a dead owner's containerd, when this slot was taken over: clean it up. */
  readonly staleDir?: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Claims a free slot for the containerd living in `dir`. */
export async function claimNetSlot(dir: string): Promise<NetSlot> {
  for (let index = 0; index < SLOTS; index++) {
    const lock = join(LOCK_ROOT, `corral-cri-net-${index}`);
    let staleDir: string | undefined;
    try {
      mkdirSync(lock);
    } catch {
      const owner = Number(readFileSafe(join(lock, 'pid')));
      if (owner && alive(owner)) continue;
      // The owner died; take the slot over (a racing taker is caught by the pid check below).
      staleDir = readFileSafe(join(lock, 'dir')) || undefined;
    }
    writeFileSync(join(lock, 'pid'), String(process.pid));
    if (Number(readFileSafe(join(lock, 'pid'))) !== process.pid) continue;
    writeFileSync(join(lock, 'dir'), dir);
    const bridge = `crit${index}`;
    if (!staleDir && (await linkExists(bridge))) {
      // Someone else's interface by that name: leave the slot to them.
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    return {
      index,
      bridge,
      subnet: `10.213.${index}.0/24`,
      gateway: `10.213.${index}.1`,
      ...(staleDir ? { staleDir } : {}),
      release: () => rmSync(lock, { recursive: true, force: true }),
    };
  }
  throw new Error(`no free test network slot among ${SLOTS} (${LOCK_ROOT}/corral-cri-net-*)`);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
