// Small helpers for untrusted JSON values: the validation rules run on input that joi may
// already have found to be of the wrong shape, so they look before they touch.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of a map field whose values are strings (others are joi's to report). */
export function stringEntries(value: unknown): [string, string][] {
  if (!isRecord(value)) return [];
  return Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** The elements of an array field that are objects, with their original indexes. */
export function recordItems(value: unknown): [number, Record<string, unknown>][] {
  if (!Array.isArray(value)) return [];
  const items: [number, Record<string, unknown>][] = [];
  value.forEach((item, i) => {
    if (isRecord(item)) items.push([i, item]);
  });
  return items;
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * A deep copy without the keys whose value is null: JSON and YAML clients write `labels: null`
 * or an empty `labels:` to mean "not set", as Kubernetes reads them.
 */
export function copyWithoutNulls<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => copyWithoutNulls(v)) as T;
  // On every write, twice: a loop over own keys allocates less than Object.entries.
  const out: Record<string, unknown> = {};
  const from = value as Record<string, unknown>;
  for (const k in from) {
    if (!Object.prototype.hasOwnProperty.call(from, k)) continue;
    const v = from[k];
    if (v !== null && v !== undefined) out[k] = copyWithoutNulls(v);
  }
  return out as T;
}

/** Structural equality of JSON values; key order does not matter, undefined keys count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}
