// The metadata the server owns: identity and timestamps on create, generation on spec
// changes, and what an update may not touch.
import { randomInt, randomUUID } from 'node:crypto';
import { deepEqual, isRecord } from '../../api/objects.js';
import type { ApiObject, ObjectMeta } from '../../api/types.js';

/** The text of the current second, kept: every create stamps one. */
let lastSecond = -1;
let lastText = '';

/** RFC 3339 with seconds, as Kubernetes writes timestamps. */
export function timestamp(date?: Date): string {
  if (date !== undefined) return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

// Kubernetes' alphabet for generated names: no vowels (no words), no look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_NAME = 63;

/** `generateName` plus a random 5-character suffix, the base cut so the name fits 63 characters. */
export function generatedName(base: string): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return base.slice(0, MAX_NAME - SUFFIX_LENGTH) + suffix;
}

/** Fields a client may not set on create: the server assigns or clears them. */
export function stampCreated(obj: ApiObject): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp();
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
}

const NOT_SPEC = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** Whether anything beside metadata and status differs: what `generation` counts. */
export function specChanged(a: ApiObject, b: ApiObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (NOT_SPEC.has(key)) continue;
    if (!deepEqual(a[key], b[key])) return true;
  }
  return false;
}

/**
 * Carries what only the server sets from the stored object to its replacement: identity,
 * creation time, deletion marks, and the generation (bumped when the spec changed).
 */
export function keepSystemMeta(next: ApiObject, current: ApiObject): void {
  const meta: ObjectMeta = next.metadata;
  const old = current.metadata;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  meta.resourceVersion = old.resourceVersion;
  delete meta.selfLink;
  setOrDelete(meta, 'deletionTimestamp', old.deletionTimestamp);
  setOrDelete(meta, 'deletionGracePeriodSeconds', old.deletionGracePeriodSeconds);
  const generation = old.generation ?? 1;
  meta.generation = specChanged(next, current) ? generation + 1 : generation;
}

function setOrDelete<K extends keyof ObjectMeta>(meta: ObjectMeta, key: K, value: ObjectMeta[K]): void {
  if (value === undefined) delete meta[key];
  else meta[key] = value;
}

/** Equal but for the resourceVersion: such an update is a no-op and is not written. */
export function sameObject(a: ApiObject, b: ApiObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (key === 'metadata') continue;
    if (!deepEqual(a[key], b[key])) return false;
  }
  const am = a.metadata as Record<string, unknown>;
  const bm = b.metadata as Record<string, unknown>;
  const metaKeys = new Set([...Object.keys(am), ...Object.keys(bm)]);
  for (const key of metaKeys) {
    if (key === 'resourceVersion') continue;
    if (!deepEqual(am[key], bm[key])) return false;
  }
  return true;
}

/** A value at a dotted path such as `.spec.replicas`. */
export function getPath(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const part of path.split('.').filter(Boolean)) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Sets a value at a dotted path, creating the objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter(Boolean);
  let current = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isRecord(current[part])) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]!] = value;
}
