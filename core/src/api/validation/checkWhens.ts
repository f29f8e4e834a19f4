// The `when`s of a joi node, for the compiled check: which branches apply is worked out per
// value from the references, as joi does, and each combination is compiled once.
import type { Chain, Check, Checker, ValueCheck } from './checker.js';
import type { JoiRef, JoiSchema, JoiWhen } from './joiInternals.js';

/** What the check's compiler lends: the three ways it makes a node. */
export interface Compilers {
  /** A node, its `when`s included (remembered per schema). */
  compile(schema: JoiSchema): Checker;
  /** A node as it stands, its `when`s set aside. */
  compileNode(schema: JoiSchema): Checker;
  /** A node left to joi. */
  opaque(schema: JoiSchema): Checker;
}

function nonEmpty(term: readonly unknown[] | null | undefined): term is readonly unknown[] {
  return Array.isArray(term) && term.length > 0;
}

/** A plain reference: to a value, a number of containers up, without adjustments. */
function plainRef(ref: JoiRef): boolean {
  return ref.type === 'value' && typeof ref.ancestor === 'number' && !ref.adjust && !ref.map && !ref.in && !ref.iterables;
}

const UNREACHABLE = Symbol('unreachable');

/** hoek's reach, as joi resolves a reference's path. */
function resolve(ref: JoiRef, value: unknown, up: Chain | undefined): unknown {
  let target = value;
  if (ref.ancestor !== 0) {
    let chain = up;
    for (let i = 1; i < (ref.ancestor as number) && chain; i++) chain = chain.up;
    if (!chain) return UNREACHABLE;
    target = chain.value;
  }
  for (const segment of ref.path) {
    let key = segment;
    if (Array.isArray(target)) {
      const n = Number(key);
      if (Number.isInteger(n)) key = n < 0 ? target.length + n : n;
    }
    if (!target) return undefined;
    target = (target as Record<string | number, unknown>)[key];
  }
  return target;
}

interface Branch {
  readonly is: ValueCheck;
  readonly then?: JoiSchema;
  readonly otherwise?: JoiSchema;
}

/**
 * A node with `when`s: which branches apply is worked out per value, as joi's _generate does,
 * and each combination is compiled once, from the same concatenation joi validates against.
 */
export function compileWhens(schema: JoiSchema, compilers: Compilers): Checker {
  const { compile, compileNode, opaque } = compilers;
  const whens = schema.$_terms.whens as readonly JoiWhen[];
  const plan: { ref: JoiRef | null; tests: Branch[]; stop: boolean }[] = [];
  let reach = 0;
  const parts: Checker[] = [compileNode(schema)];
  for (const when of whens) {
    if (when.concat) return opaque(schema);
    const ref = when.ref ?? null;
    if (ref && !plainRef(ref)) return opaque(schema);
    if (ref) reach = Math.max(reach, ref.ancestor as number);
    const tests = when.is ? [{ is: when.is, then: when.then, otherwise: when.otherwise }] : (when.switch ?? []);
    const branches: Branch[] = [];
    for (const test of tests) {
      const is = compile(test.is);
      if (!is.exact || is.reach > 0) return opaque(schema);
      for (const outcome of [test.then, test.otherwise]) {
        if (outcome && nonEmpty(outcome.$_terms.whens)) return opaque(schema);
        if (outcome) parts.push(compileNode(outcome));
      }
      branches.push({ is: is.check, ...(test.then ? { then: test.then } : {}), ...(test.otherwise ? { otherwise: test.otherwise } : {}) });
    }
    plan.push({ ref, tests: branches, stop: when.break === true });
  }
  // A combination reads no further up than its parts.
  reach = Math.max(reach, ...parts.map((p) => p.reach));
  const variants = new Map<string, Checker>();

  const check: Check = (value, up) => {
    let id = '';
    const chosen: JoiSchema[] = [];
    for (let i = 0; i < plan.length; i++) {
      const { ref, tests, stop } = plan[i]!;
      const input = ref ? resolve(ref, value, up) : value;
      if (input === UNREACHABLE) return false;
      let matched = false;
      for (let j = 0; j < tests.length && !matched; j++) {
        const test = tests[j]!;
        const outcome = test.is(input, undefined) ? test.then : test.otherwise;
        if (outcome) {
          id += `${i}.${j}${outcome === test.then ? 't' : 'o'};`;
          chosen.push(outcome);
          matched = true;
        }
      }
      if (stop && matched) break;
    }
    let variant = variants.get(id);
    if (variant === undefined) {
      variant = compileNode(chosen.reduce((s, branch) => s.concat(branch), schema));
      variants.set(id, variant);
    }
    return variant.check(value, up);
  };
  return { check, exact: false, reach, absent: undefined };
}
