import { invalidArgument, StoreError } from './errors.js';
import type { StoredObjectLike, WatchEvent } from './types.js';

// How objects become stored bytes and back. The stored form leaves resourceVersion out: the
// revision is the store's to stamp on every read.

export function encodeObject(key: string, obj: StoredObjectLike): string {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw invalidArgument(`value for key "${key}" must be a JSON object, got ${obj === null ? 'null' : typeof obj}`, key);
  }
  const meta = obj.metadata;
  if (meta === undefined || meta.resourceVersion === undefined) return JSON.stringify(obj);
  // JSON.stringify skips undefined members: a shallow copy instead of a deep one.
  return JSON.stringify({ ...obj, metadata: { ...meta, resourceVersion: undefined } });
}

export function decodeObject<T extends StoredObjectLike>(key: string, data: string, revision: number): T {
  let obj: { metadata?: Record<string, unknown> };
  try {
    obj = JSON.parse(data) as { metadata?: Record<string, unknown> };
  } catch (err) {
    throw new StoreError('Corrupt', `value of key "${key}" at revision ${revision} is not valid JSON: ${(err as Error).message}`, {
      key,
      revision,
    });
  }
  (obj.metadata ??= {}).resourceVersion = String(revision);
  return obj as T;
}

/**
 * Gives `event` a prevObject decoded when first read: most watchers (the API server's watches
 * without selectors) never look at it, and decoding costs a JSON parse per event and watcher.
 */
export function withLazyPrevObject<T>(event: WatchEvent<T>, decode: () => T): WatchEvent<T> {
  let value: T | undefined;
  let decoded = false;
  Object.defineProperty(event, 'prevObject', {
    enumerable: true,
    configurable: true,
    get(): T | undefined {
      if (!decoded) {
        value = decode();
        decoded = true;
      }
      return value;
    },
    set(next: T | undefined) {
      value = next;
      decoded = true;
    },
  });
  return event;
}

/**
 * What create and update return: the caller's object with a new top level and metadata carrying
 * the new resourceVersion. Deeper values are shared with the argument, not copied: parsing the
 * stored JSON again would cost as much as the write's own encoding.
 */
export function stamped<T extends StoredObjectLike>(obj: T, revision: number): T {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/** Reads a resourceVersion given by a caller as a revision number. */
export function parseResourceVersion(key: string, rv: string): number {
  const n = Number(rv);
  if (rv === '' || !Number.isSafeInteger(n) || n < 0) {
    throw invalidArgument(`resourceVersion ${JSON.stringify(rv)} for key "${key}" is not a revision number`, key);
  }
  return n;
}

export function checkRevisionArg(what: string, revision: number | undefined): number {
  const r = revision ?? 0;
  if (!Number.isSafeInteger(r) || r < 0) {
    throw invalidArgument(`${what}: revision must be a non-negative integer, got ${String(revision)}`);
  }
  return r;
}

export function checkLimitArg(limit: number | undefined): number {
  const l = limit ?? 0;
  if (!Number.isSafeInteger(l) || l < 0) throw invalidArgument(`list: limit must be a non-negative integer, got ${String(limit)}`);
  return l;
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '' || key.includes('\u0000')) {
    throw invalidArgument(`key must be a non-empty string without NUL characters, got ${JSON.stringify(key)}`);
  }
}
