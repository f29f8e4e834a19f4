// A value's JSON as a cache key, for values whose JSON says everything a validator looks at:
// plain objects and arrays of strings, finite numbers, booleans and null. Anything else (an
// undefined member, NaN, a Date, a class instance) has no key, so it is never taken for the
// JSON value it would print as.

/** Larger values get no key: they are rare and would crowd the cache (a ConfigMap's data, say). */
const MAX_KEY_CHARS = 64 * 1024;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function plainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !plainJson(value[i])) return false;
        return true;
      }
      if (!isPlainObject(value)) return false;
      for (const k in value) if (!plainJson(value[k])) return false;
      return true;
    default:
      return false;
  }
}

export function jsonKey(value: unknown): string | undefined {
  if (value === undefined || !plainJson(value)) return undefined;
  const text = JSON.stringify(value);
  return text.length <= MAX_KEY_CHARS ? text : undefined;
}
