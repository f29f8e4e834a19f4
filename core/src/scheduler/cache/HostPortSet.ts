import type { HostPortUsage } from '../../kernel/index.js';
import type { HostPort } from '../resources.js';

const ANY_IP = '0.0.0.0';

/**
 * Host ports in use on one node: host IP → "protocol/port" → how many pods hold it (counted,
 * so removing one of two pods that share a port, which the API cannot prevent, keeps it used).
 */
export class HostPortSet implements HostPortUsage {
  private readonly byIp = new Map<string, Map<string, number>>();
  private entries = 0;

  get size(): number {
    return this.entries;
  }

  add(p: HostPort, sign: 1 | -1 = 1): void {
    let ports = this.byIp.get(p.hostIP);
    if (!ports) {
      if (sign < 0) return;
      ports = new Map();
      this.byIp.set(p.hostIP, ports);
    }
    const key = `${p.protocol}/${p.port}`;
    const next = (ports.get(key) ?? 0) + sign;
    if (next > 0) {
      if (!ports.has(key)) this.entries++;
      ports.set(key, next);
    } else if (ports.delete(key)) {
      this.entries--;
      if (ports.size === 0) this.byIp.delete(p.hostIP);
    }
  }

  conflicts(hostIP: string | undefined, protocol: string | undefined, port: number): boolean {
    if (!(port > 0) || this.entries === 0) return false;
    const ip = hostIP || ANY_IP;
    const key = `${protocol || 'TCP'}/${port}`;
    if (ip === ANY_IP) {
      for (const ports of this.byIp.values()) if (ports.has(key)) return true;
      return false;
    }
    return this.byIp.get(ANY_IP)?.has(key) === true || this.byIp.get(ip)?.has(key) === true;
  }
}
