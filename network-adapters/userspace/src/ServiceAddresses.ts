// ClusterIPs (and external IPs) must be local addresses for the proxy to bind them: they live as
// /32 addresses on an interface of Corral's own, added and removed as Services come and go. The
// interface is a dummy one, or, where the kernel has no dummy driver, a bridge without ports
// (addresses on it are just as local).
import { ip, ipBatch, IpError } from '@corral/core/net';

export class ServiceAddresses {
  private current = new Set<string>();
  private ready = false;

  constructor(readonly link: string) {}

  /** Makes the interface hold exactly `addresses` (IPv4). */
  async sync(addresses: ReadonlySet<string>): Promise<void> {
    if (!this.ready) {
      await this.ensureLink();
      this.current = await this.read();
      this.ready = true;
    }
    const commands: string[] = [];
    for (const ip of addresses) if (!this.current.has(ip)) commands.push(`address add ${ip}/32 dev ${this.link}`);
    for (const ip of this.current) if (!addresses.has(ip)) commands.push(`address del ${ip}/32 dev ${this.link}`);
    if (commands.length === 0) return;
    try {
      await ipBatch(commands);
    } finally {
      // Whatever happened, know what is there now.
      this.current = await this.read();
    }
  }

  /** Removes the interface and every address on it. */
  async remove(): Promise<void> {
    this.ready = false;
    this.current.clear();
    try {
      await ip(['link', 'del', this.link]);
    } catch (err) {
      if (!(err instanceof IpError && /Cannot find device|does not exist/.test(err.stderr))) throw err;
    }
  }

  private async ensureLink(): Promise<void> {
    try {
      await ip(['link', 'show', this.link]);
    } catch {
      try {
        await ip(['link', 'add', this.link, 'type', 'dummy']);
      } catch (dummyErr) {
        try {
          await ip(['link', 'add', this.link, 'type', 'bridge']);
        } catch (err) {
          throw new Error(`cannot create the interface ${this.link} for Service IPs (root is needed): ${stderrOf(dummyErr)}; as a bridge: ${stderrOf(err)}`);
        }
      }
    }
    await ip(['link', 'set', this.link, 'up']);
  }

  private async read(): Promise<Set<string>> {
    const stdout = await ip(['-o', '-4', 'address', 'show', 'dev', this.link]);
    const found = new Set<string>();
    for (const m of stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g)) found.add(m[1]!);
    return found;
  }
}

function stderrOf(err: unknown): string {
  return err instanceof IpError ? err.stderr : err instanceof Error ? err.message : String(err);
}
