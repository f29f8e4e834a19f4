// Kubernetes resource quantities: "500m", "128Mi", "1.5", "2e3", 1. The scheduler and the agent
// count CPU in millicores and memory in bytes, so besides the plain value there are rounding
// helpers that work on the exact decimal, not on a float (0.1 * 1000 is not 100 in floats).
import type { Quantity } from './types.js';

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E)?$/;

const BINARY_POWERS: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_POWERS: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** A quantity as an exact value: `digits * 10^exp10 * 2^exp2`. */
interface ExactQuantity {
  readonly digits: bigint;
  readonly exp10: number;
  readonly exp2: number;
}

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

const FORMAT_HINT =
  "a quantity is a number with an optional suffix: m (milli), k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent like e3 (e.g. '500m', '128Mi', '1.5')";

// Pods repeat the same few quantities ("100m", "128Mi") and the scheduler and validation read
// them again and again; parsing is a regex and BigInt arithmetic, so keep recent answers.
const parsed = new Map<string, ExactQuantity>();
const PARSED_MAX = 4096;

function exact(q: Quantity): ExactQuantity {
  if (typeof q === 'string') {
    const known = parsed.get(q);
    if (known) return known;
    const result = parseExact(q);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(q, result);
    return result;
  }
  return parseExact(q);
}

function parseExact(q: Quantity): ExactQuantity {
  let text: string;
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new QuantityError(`${q} is not a finite number`);
    text = String(q);
  } else if (typeof q === 'string') {
    text = q;
  } else {
    throw new QuantityError(`a quantity must be a string or a number, not ${typeof q}`);
  }
  const match = QUANTITY.exec(text);
  if (!match) throw new QuantityError(`"${text}" is not a quantity: ${FORMAT_HINT}`);
  const [, number, suffix = ''] = match as unknown as [string, string, string | undefined];
  const [whole, fraction = ''] = number.split('.') as [string, string?];
  const sign = whole.startsWith('-') ? -1n : 1n;
  const intPart = whole.replace(/^[+-]/, '');
  const digits = sign * BigInt(`${intPart}${fraction}` || '0');
  let exp10 = -fraction.length;
  let exp2 = 0;
  if (suffix in BINARY_POWERS) exp2 = BINARY_POWERS[suffix]!;
  else if (suffix in DECIMAL_POWERS) exp10 += DECIMAL_POWERS[suffix]!;
  else exp10 += Number(suffix.slice(1));
  if (Math.abs(exp10) > 400) throw new QuantityError(`"${text}" is out of range`);
  return { digits, exp10, exp2 };
}

/** The quantity in base units (cores, bytes) as a number. Throws QuantityError when malformed. */
export function parseQuantity(q: Quantity): number {
  const { digits, exp10, exp2 } = exact(q);
  const scaled = exp10 >= 0 ? Number(digits) * 10 ** exp10 : Number(digits) / 10 ** -exp10;
  return scaled * 2 ** exp2;
}

/** Why `q` is not a quantity, or undefined when it is one. */
export function quantityProblem(q: unknown): string | undefined {
  try {
    exact(q as Quantity);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function isQuantity(q: unknown): q is Quantity {
  return quantityProblem(q) === undefined;
}

/** `value * 10^scale`, rounded up to an integer, computed exactly. */
function scaledCeil(q: Quantity, scale: number): bigint {
  const { digits, exp10, exp2 } = exact(q);
  let numerator = digits * 2n ** BigInt(exp2);
  let denominator = 1n;
  const e = exp10 + scale;
  if (e >= 0) numerator *= 10n ** BigInt(e);
  else denominator = 10n ** BigInt(-e);
  let result = numerator / denominator;
  if (numerator % denominator !== 0n && numerator > 0n) result += 1n;
  return result;
}

/** The quantity in thousandths, rounded up: CPU "500m" -> 500, 1 -> 1000, "0.1" -> 100. */
export function quantityToMillis(q: Quantity): number {
  return Number(scaledCeil(q, 3));
}

/** The quantity as an integer, rounded up: memory "128Mi" -> 134217728, "1k" -> 1000. */
export function quantityToInt(q: Quantity): number {
  return Number(scaledCeil(q, 0));
}

/** Compares two quantities exactly: negative, zero or positive like a sort comparator. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  // Nanounits are the smallest suffix, so both are exact integers at that scale.
  const x = scaledCeil(a, 9) - scaledCeil(b, 9);
  return x === 0n ? 0 : x < 0n ? -1 : 1;
}
