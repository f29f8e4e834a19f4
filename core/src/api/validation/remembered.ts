// The rules check the same few names and quantities on every write (label keys, `cpu` and
// `memory`, "100m" against "500m"), and each check is a regex or exact BigInt arithmetic.
// Their answers depend on the text alone, so the ones that come back clean are remembered.
import { compareQuantities } from '../quantity.js';

/** Values remembered per check; a set starts over when full. */
const REMEMBERED = 1024;
const NO_PROBLEMS: readonly string[] = Object.freeze([]);

const clean = new WeakMap<(value: string) => string[], Set<string>>();

/** `check(value)`, answered from memory when it found nothing before. Read-only result. */
export function problemsOf(check: (value: string) => string[], value: string): readonly string[] {
  let known = clean.get(check);
  if (known === undefined) clean.set(check, (known = new Set()));
  if (known.has(value)) return NO_PROBLEMS;
  const problems = check(value);
  if (problems.length === 0) {
    if (known.size >= REMEMBERED) known.clear();
    known.add(value);
  }
  return problems;
}

const comparisons = new Map<string, number>();

/** compareQuantities, remembered for pairs of strings (numbers are compared each time). */
export function compareQuantitiesRemembered(a: string | number, b: string | number): number {
  if (typeof a !== 'string' || typeof b !== 'string') return compareQuantities(a, b);
  const key = `${a}\u0000${b}`;
  let result = comparisons.get(key);
  if (result === undefined) {
    result = compareQuantities(a, b);
    if (comparisons.size >= REMEMBERED) comparisons.clear();
    comparisons.set(key, result);
  }
  return result;
}
