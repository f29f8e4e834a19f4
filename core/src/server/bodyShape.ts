// The shape of a request body beyond what JSON.parse checks: how deeply it nests (a limit keeps
// every recursive step after parsing safe) and whether an object repeats a key (JSON.parse keeps
// the last one silently; Kubernetes' strict decoding refuses it). Normal bodies pay for a few
// native character counts and one walk of the parsed value; only a body whose counts differ is
// scanned again, slowly, to name the repeated field.

/** Deeper bodies are refused: no Kubernetes object comes near this. */
export const MAX_BODY_DEPTH = 100;

export interface JsonTextShape {
  /** Keys written in the text (duplicates counted each time). */
  readonly keys: number;
  /** The deepest nesting of objects and arrays; counting stops just past MAX_BODY_DEPTH. */
  readonly depth: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The index of the quote closing the string opened at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let j = open + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    // An even number of backslashes before the quote: it is not escaped.
    if ((j - 1 - k) % 2 === 0) return j;
    j++;
  }
}

/** Whether the string closed at `close` is followed by a colon: an object key. */
function isKey(text: string, close: number): boolean {
  let m = close + 1;
  while (m < text.length && isSpace(text.charCodeAt(m))) m++;
  return text.charCodeAt(m) === COLON;
}

/** How many times `char` occurs in `text`. */
function countChar(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) count++;
  return count;
}

/**
 * Whether JSON text nests objects and arrays deeper than MAX_BODY_DEPTH. Only a text with more
 * brackets than that can, so most are answered by counting them.
 */
export function nestsTooDeep(text: string): boolean {
  if (countChar(text, '{') + countChar(text, '[') <= MAX_BODY_DEPTH) return false;
  return scanJsonText(text).depth > MAX_BODY_DEPTH;
}

/** Keys of a parsed value plus the colons in its keys and strings, walked without recursion. */
function keysAndColons(value: unknown): number {
  if (typeof value !== 'object' || value === null) return typeof value === 'string' ? countChar(value, ':') : 0;
  let count = 0;
  const values: unknown[] = [value];
  while (values.length > 0) {
    const v = values.pop();
    if (Array.isArray(v)) {
      for (const item of v) {
        if (typeof item === 'string') count += countChar(item, ':');
        else if (typeof item === 'object' && item !== null) values.push(item);
      }
      continue;
    }
    const record = v as Record<string, unknown>;
    for (const k in record) {
      count += 1 + countChar(k, ':');
      const item = record[k];
      if (typeof item === 'string') count += countChar(item, ':');
      else if (typeof item === 'object' && item !== null) values.push(item);
    }
  }
  return count;
}

/**
 * Whether parsing the valid JSON `text` into `value` dropped keys: an object repeated one, and
 * JSON.parse kept the last. Every colon of the text outside strings follows a key, and those
 * inside strings come through parsing as they were, so fewer keys and string colons in the value
 * than colons in the text means lost keys. A `\u` escape can write a colon the text does not
 * show: such a text has its keys counted by a scan.
 */
export function dropsKeys(text: string, value: unknown): boolean {
  if (text.includes('\\u')) {
    const written = scanJsonText(text).keys;
    return written > 0 && measureValue(value).keys < written;
  }
  const colons = countChar(text, ':');
  return colons > 0 && keysAndColons(value) < colons;
}

/** Keys and depth of JSON text, outside strings. Invalid text is JSON.parse's to report. */
export function scanJsonText(text: string): JsonTextShape {
  let keys = 0;
  let depth = 0;
  let deepest = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const close = stringEnd(text, i);
      if (close < 0) break;
      if (isKey(text, close)) keys++;
      i = close;
    } else if (c === 123 || c === 91) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > MAX_BODY_DEPTH) break;
      }
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return { keys, depth: deepest };
}

/**
 * Keys of a parsed value and its depth, walked without recursion. The walk stops, returning
 * a depth past MAX_BODY_DEPTH, as soon as it finds one.
 */
export function measureValue(value: unknown): { keys: number; depth: number } {
  let keys = 0;
  let deepest = 0;
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const d = depths.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > deepest) {
      deepest = d;
      if (d > MAX_BODY_DEPTH) break;
    }
    if (Array.isArray(v)) {
      for (const item of v) {
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(d + 1);
        }
      }
      continue;
    }
    const record = v as Record<string, unknown>;
    for (const k in record) {
      keys++;
      const item = record[k];
      if (typeof item === 'object' && item !== null) {
        values.push(item);
        depths.push(d + 1);
      }
    }
  }
  return { keys, depth: deepest };
}

interface Frame {
  /** The path of this object or array, e.g. `spec.containers[0]`. */
  readonly path: string;
  /** The keys seen so far; undefined for an array. */
  readonly keys?: Set<string>;
  /** The last key (in an object) or the index (in an array) of the value being read. */
  at: string | number;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  if (frame.keys) return frame.path ? `${frame.path}.${String(frame.at)}` : String(frame.at);
  return `${frame.path}[${String(frame.at)}]`;
}

/**
 * The path of the first key an object of valid JSON `text` repeats (`metadata.name`), or
 * undefined. The slow path: called only when the key counts say there is one.
 */
export function findDuplicateKey(text: string): string | undefined {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      const close = stringEnd(text, i);
      if (close < 0) return undefined;
      if (top?.keys && isKey(text, close)) {
        const key = JSON.parse(text.slice(i, close + 1)) as string;
        top.at = key;
        if (top.keys.has(key)) return childPath(top);
        top.keys.add(key);
      }
      i = close;
    } else if (c === 123) {
      stack.push({ path: childPath(top), keys: new Set(), at: '' });
    } else if (c === 91) {
      stack.push({ path: childPath(top), at: 0 });
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 44 && top && !top.keys) {
      top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}
