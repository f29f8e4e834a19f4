// The pod-template-hash: a short, stable name for a Deployment's pod template. Stable means the
// same template gives the same hash in every process and after every restart, so the controller
// finds its ReplicaSet again instead of making a second one. The collision count, when set, is
// part of the input so a clash with a foreign ReplicaSet of that name gives a new name.
import type { PodTemplateSpec } from '@corral/core/api';
import { withoutEmpty } from './semantic.js';

/** JSON with object keys sorted, so equal templates give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 32-bit FNV-1a over the UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

// No vowels (no words) and no characters that look alike (0/o, 1/l...), as Kubernetes' names.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** Empty values count as absent, so both spellings of one template get one hash (see semantic.ts). */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let input = canonicalJson(withoutEmpty(template));
  if (collisionCount !== undefined && collisionCount > 0) input += `#${collisionCount}`;
  return safeEncode(String(fnv1a32(input)));
}
