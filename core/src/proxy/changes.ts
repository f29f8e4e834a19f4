// What changed between two Service tables, handed to the data path beside the whole table so it
// need not compare 10,000 Services to find the one that changed. The table stays complete: a
// data path that ignores the changes (the userspace one) works as before.
import type { ServiceEntry, ServicePortEntry, ServiceTable, ServiceTableChanges } from '../kernel/contracts/proxy.js';

export function serviceKey(entry: Pick<ServiceEntry, 'namespace' | 'name'>): string {
  return `${entry.namespace}/${entry.name}`;
}

/** `namespace/name:port/protocol`, the port by its name when it has one. */
export function servicePortKey(entry: Pick<ServiceEntry, 'namespace' | 'name'>, port: Pick<ServicePortEntry, 'name' | 'port' | 'protocol'>): string {
  return `${entry.namespace}/${entry.name}:${port.name ?? port.port}/${port.protocol}`;
}

/** Deep equality of plain data (what a ServiceEntry is); absent and undefined fields are equal. */
export function samePlainData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => samePlainData(x, (b as unknown[])[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => samePlainData(ra[k], rb[k]));
}

function portsByKey(entry: ServiceEntry | undefined): Map<string, ServicePortEntry> {
  const out = new Map<string, ServicePortEntry>();
  for (const p of entry?.ports ?? []) out.set(servicePortKey(entry!, p), p);
  return out;
}

/**
 * The changes from `before` to `after`. An entry that is the same object in both is unchanged
 * without a look inside: the proxy keeps the entries of Services no event touched, so a sync
 * after one change compares one entry, and a syncServices tap that returns new objects costs
 * only a deep comparison.
 */
export function tableChanges(before: ServiceTable | undefined, after: ServiceTable): ServiceTableChanges {
  const changes = { services: new Set<string>(), addedPorts: new Set<string>(), changedPorts: new Set<string>(), removedPorts: new Set<string>() };
  const was = before?.services ?? [];
  const now = after.services;
  // The same Services in the same places (no Service came or went): only the entries that are
  // not the same objects are looked at, without keying the other 10,000.
  if (was.length === now.length) {
    const differ: number[] = [];
    for (let i = 0; i < now.length; i++) if (was[i] !== now[i]) differ.push(i);
    if (differ.every((i) => was[i]!.namespace === now[i]!.namespace && was[i]!.name === now[i]!.name)) {
      for (const i of differ) if (!samePlainData(was[i], now[i])) addChange(changes, serviceKey(now[i]!), was[i], now[i]);
      return changes;
    }
  }
  const old = new Map<string, ServiceEntry>();
  for (const e of was) old.set(serviceKey(e), e);
  for (const e of now) {
    const key = serviceKey(e);
    const was = old.get(key);
    old.delete(key);
    if (was !== e && !samePlainData(was, e)) addChange(changes, key, was, e);
  }
  for (const [key, was] of old) addChange(changes, key, was, undefined);
  return changes;
}

function addChange(
  changes: { services: Set<string>; addedPorts: Set<string>; changedPorts: Set<string>; removedPorts: Set<string> },
  key: string,
  was: ServiceEntry | undefined,
  now: ServiceEntry | undefined,
): void {
  changes.services.add(key);
  const before = portsByKey(was);
  const after = portsByKey(now);
  // Fields of the Service itself (addresses, affinity) shape every port's forwarding.
  const whole = was !== undefined && now !== undefined && samePlainData({ ...was, ports: [] }, { ...now, ports: [] });
  for (const [k, p] of after) {
    const q = before.get(k);
    if (!q) changes.addedPorts.add(k);
    else if (!whole || !samePlainData(p, q)) changes.changedPorts.add(k);
  }
  for (const k of before.keys()) if (!after.has(k)) changes.removedPorts.add(k);
}
