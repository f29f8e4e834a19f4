// IPv4 addresses and ranges as numbers: the service CIDR, pod subnets, node subnets.

export interface Ipv4Range {
  /** e.g. "10.96.0.0/12", as configured. */
  readonly cidr: string;
  /** The network address, as a number. */
  readonly base: number;
  /** Addresses in the range, network and broadcast included. */
  readonly size: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Throws a message that says what is wrong with `cidr`. */
export function parseIpv4Cidr(cidr: string): Ipv4Range & { readonly prefix: number } {
  const [ip, bitsText, extra] = cidr.split('/');
  const addr = ip === undefined ? undefined : parseIpv4(ip);
  const bits = Number(bitsText);
  if (extra !== undefined || addr === undefined || !/^\d{1,2}$/.test(bitsText ?? '') || bits > 32) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR such as 10.96.0.0/12`);
  }
  const size = 2 ** (32 - bits);
  const base = addr - (addr % size);
  if (base !== addr) throw new Error(`"${cidr}" has host bits set: the network is ${formatIpv4(base)}/${bits}`);
  return { cidr, base, size, prefix: bits };
}

/** Whether `ip` may be handed out: inside the range, not its network or broadcast address. */
export function usableIn(range: Ipv4Range, ip: number): boolean {
  return ip > range.base && ip < range.base + range.size - 1;
}

/** The `index`th address of the range (0: the network address). */
export function addressAt(range: Ipv4Range, index: number): string {
  if (index < 0 || index >= range.size) throw new RangeError(`address ${index} is outside ${range.cidr}`);
  return formatIpv4(range.base + index);
}

export function contains(range: Ipv4Range, ip: string): boolean {
  const v = parseIpv4(ip);
  return v !== undefined && v >= range.base && v < range.base + range.size;
}
