// host-local IPAM: one file per leased address under the adapter's directory, holding the pod's
// uid, so leases survive agent restarts and a pod set up twice keeps its address. Addresses are
// handed out round-robin after the last one leased (as CNI host-local does), so an address freed
// a moment ago is not reused at once while peers may still cache the old pod's MAC for it.
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addressAt, contains, parseIpv4, type Ipv4Range } from '@corral/core/net';

/** Beside the leases, the last address handed out: where the next search starts. */
const LAST_LEASED = 'last-leased';

export class Ipam {
  /** Setups run one at a time: no two pods race for one address. */
  private chain: Promise<unknown> = Promise.resolve();
  /**
   * uid -> address, read from the directory once: finding a pod's lease otherwise reads every
   * lease file, for each pod of a burst. This adapter is the directory's only writer.
   */
  private byUid?: Map<string, string>;

  constructor(
    private readonly dir: string,
    private readonly range: Ipv4Range,
    /** Addresses never leased (the gateway). */
    private readonly reserved: ReadonlySet<string>,
  ) {}

  /** The address leased to `uid`, leasing a free one if it has none. */
  lease(uid: string): Promise<string> {
    return this.serial(async () => {
      await mkdir(this.dir, { recursive: true });
      const existing = await this.find(uid);
      if (existing) return existing;
      const taken = new Set(await readdir(this.dir));
      // Host indexes 1 .. size-2 (no network or broadcast address), starting after the last leased.
      const hosts = this.range.size - 2;
      const start = await this.lastLeasedIndex();
      for (let step = 1; step <= hosts; step++) {
        const ip = addressAt(this.range, ((start - 1 + step) % hosts) + 1);
        if (taken.has(ip) || this.reserved.has(ip)) continue;
        try {
          const file = await open(join(this.dir, ip), 'wx');
          await file.writeFile(uid);
          await file.close();
          await writeFile(join(this.dir, LAST_LEASED), ip);
          (await this.known()).set(uid, ip);
          return ip;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      throw new Error(`no free address left in the pod subnet ${this.range.cidr}`);
    });
  }

  release(uid: string): Promise<void> {
    return this.serial(async () => {
      const ip = await this.find(uid);
      if (ip) await rm(join(this.dir, ip), { force: true });
      (await this.known()).delete(uid);
    });
  }

  /** The address leased to `uid`, if any. */
  addressOf(uid: string): Promise<string | undefined> {
    return this.find(uid);
  }

  /** Every lease: address -> uid. */
  async leases(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return out;
    }
    for (const name of names) {
      if (parseIpv4(name) === undefined) continue;
      out.set(name, (await readFile(join(this.dir, name), 'utf8').catch(() => '')).trim());
    }
    return out;
  }

  /** The host index of the last address leased; 0 (start at the first) when none or unreadable. */
  private async lastLeasedIndex(): Promise<number> {
    const text = (await readFile(join(this.dir, LAST_LEASED), 'utf8').catch(() => '')).trim();
    const value = parseIpv4(text);
    if (value === undefined || !contains(this.range, text)) return 0;
    const index = value - this.range.base;
    return index >= 1 && index <= this.range.size - 2 ? index : 0;
  }

  private async find(uid: string): Promise<string | undefined> {
    return (await this.known()).get(uid);
  }

  private async known(): Promise<Map<string, string>> {
    if (!this.byUid) {
      const byUid = new Map<string, string>();
      for (const [ip, owner] of await this.leases()) if (owner) byUid.set(owner, ip);
      this.byUid ??= byUid;
    }
    return this.byUid;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
