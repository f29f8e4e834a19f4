// host-local IPAM: one file per leased address under the adapter's directory, holding the pod's
// uid, so leases survive agent restarts and a pod set up twice keeps its address.
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { addressAt, type Ipv4Range } from '@corral/core';

export class Ipam {
  /** Setups run one at a time: no two pods race for one address. */
  private chain: Promise<unknown> = Promise.resolve();

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
      // Skip the network and broadcast addresses.
      for (let i = 1; i < this.range.size - 1; i++) {
        const ip = addressAt(this.range, i);
        if (taken.has(ip) || this.reserved.has(ip)) continue;
        try {
          const file = await open(join(this.dir, ip), 'wx');
          await file.writeFile(uid);
          await file.close();
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
    });
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
    for (const name of names) out.set(name, (await readFile(join(this.dir, name), 'utf8').catch(() => '')).trim());
    return out;
  }

  private async find(uid: string): Promise<string | undefined> {
    for (const [ip, owner] of await this.leases()) if (owner === uid) return ip;
    return undefined;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
