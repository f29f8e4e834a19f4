// Label selectors: the `?labelSelector=` string syntax, the `matchLabels`/`matchExpressions`
// form of Deployments and Jobs, and the plain map of Services and ReplicationControllers all
// become one Selector, a list of requirements that must all hold.
import { ApiError } from '../errors.js';
import { labelValueProblems, qualifiedNameProblems } from '../names.js';
import type { LabelSelector } from '../types.js';

/** The string syntax's operators: `exists` is a bare key, `!` a negated one. */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted; one value for `=`, `==`, `!=`; none for `exists` and `!`. */
  readonly values: readonly string[];
}

/** A malformed label or field selector string; a 400 Bad Request when it reaches a client. */
export class SelectorParseError extends ApiError {
  override readonly name = 'SelectorParseError';
  constructor(
    readonly selector: string,
    readonly position: number,
    problem: string,
  ) {
    super(ApiError.badRequest(`unable to parse selector "${selector}": at position ${position}: ${problem}`).status);
  }
}

function matchesRequirement(req: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case '==':
    case 'in':
      return has && req.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !req.values.includes(value!);
  }
}

function requirementToString(req: LabelRequirement): string {
  switch (req.operator) {
    case 'exists':
      return req.key;
    case '!':
      return `!${req.key}`;
    case '=':
    case '==':
      return `${req.key}=${req.values[0] ?? ''}`;
    case '!=':
      return `${req.key}!=${req.values[0] ?? ''}`;
    case 'in':
    case 'notin':
      return `${req.key} ${req.operator} (${req.values.join(',')})`;
  }
}

export class Selector {
  private constructor(
    readonly requirements: readonly LabelRequirement[],
    private readonly selectsNothing = false,
  ) {}

  /** Requirements in canonical order (by key, then by string form). */
  static of(requirements: readonly LabelRequirement[]): Selector {
    const normalized = requirements.map((r) => ({ ...r, values: [...new Set(r.values)].sort() }));
    normalized.sort((a, b) =>
      a.key === b.key ? requirementToString(a).localeCompare(requirementToString(b)) : a.key < b.key ? -1 : 1,
    );
    return new Selector(normalized);
  }

  /** Matches every object (the empty selector). */
  static everything(): Selector {
    return new Selector([]);
  }

  /** Matches no object: what an absent selector on a workload means. */
  static nothing(): Selector {
    return new Selector([], true);
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    if (this.selectsNothing) return false;
    const set = labels ?? {};
    return this.requirements.every((r) => matchesRequirement(r, set));
  }

  isEverything(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  isNothing(): boolean {
    return this.selectsNothing;
  }

  /** The value `key` must equal for any match, if the selector pins it to one. */
  requiredValue(key: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== key) continue;
      if (r.operator === '=' || r.operator === '==' || (r.operator === 'in' && r.values.length === 1)) {
        return r.values[0];
      }
    }
    return undefined;
  }

  /** The canonical string form; parsing it gives an equal selector. */
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

/** A plain map (a Service's or ReplicationController's selector): every key must equal its value. */
export function selectorFromSet(labels: Readonly<Record<string, string>> | undefined): Selector {
  return Selector.of(Object.entries(labels ?? {}).map(([key, value]) => ({ key, operator: '=', values: [value] })));
}

/**
 * A workload's `selector`: absent selects nothing, `{}` selects everything. Throws a BadRequest
 * ApiError for an unknown operator or values that do not fit it.
 */
export function labelSelectorAsSelector(selector: LabelSelector | undefined): Selector {
  if (!selector) return Selector.nothing();
  const requirements: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: '=',
    values: [value],
  }));
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          throw ApiError.badRequest(`label selector: operator ${expr.operator} on "${expr.key}" needs values`);
        }
        requirements.push({ key: expr.key, operator: expr.operator === 'In' ? 'in' : 'notin', values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          throw ApiError.badRequest(`label selector: operator ${expr.operator} on "${expr.key}" takes no values`);
        }
        requirements.push({ key: expr.key, operator: expr.operator === 'Exists' ? 'exists' : '!', values: [] });
        break;
      default:
        throw ApiError.badRequest(
          `label selector: unknown operator "${String(expr.operator)}" on "${expr.key}"; use In, NotIn, Exists or DoesNotExist`,
        );
    }
  }
  return Selector.of(requirements);
}

// ---------------------------------------------------------------- the string syntax

type TokenKind = 'word' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | 'in' | 'notin' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

const SPECIAL = new Set(['(', ')', ',', '!', '=']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '!' && input[i + 1] === '=') {
      tokens.push({ kind: '!=', text: '!=', position: i });
      i += 2;
    } else if (ch === '=' && input[i + 1] === '=') {
      tokens.push({ kind: '==', text: '==', position: i });
      i += 2;
    } else if (SPECIAL.has(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, position: i });
      i++;
    } else {
      const start = i;
      while (i < input.length && !/\s/.test(input[i]!) && !SPECIAL.has(input[i]!)) i++;
      const text = input.slice(start, i);
      const kind: TokenKind = text === 'in' || text === 'notin' ? text : 'word';
      tokens.push({ kind, text, position: start });
    }
  }
  tokens.push({ kind: 'end', text: '', position: input.length });
  return tokens;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the selector' : `'${token.text}'`;
}

/** `in` and `notin` are operators after a key but plain words where a value is expected. */
function isValueToken(token: Token): boolean {
  return token.kind === 'word' || token.kind === 'in' || token.kind === 'notin';
}

class LabelSelectorParser {
  private readonly tokens: Token[];
  private at = 0;

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  parse(): Selector {
    const requirements: LabelRequirement[] = [];
    if (this.peek().kind === 'end') return Selector.everything();
    for (;;) {
      requirements.push(this.requirement());
      const next = this.next();
      if (next.kind === 'end') break;
      if (next.kind !== ',') this.fail(next, `found ${describe(next)}, expected ',' or the end of the selector`);
    }
    return Selector.of(requirements);
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const token = this.tokens[this.at]!;
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private fail(token: Token, problem: string): never {
    throw new SelectorParseError(this.input, token.position, problem);
  }

  private key(): string {
    const token = this.next();
    if (token.kind !== 'word') this.fail(token, `found ${describe(token)}, expected a label key`);
    const problems = qualifiedNameProblems(token.text);
    if (problems.length) this.fail(token, `invalid label key "${token.text}": ${problems.join('; ')}`);
    return token.text;
  }

  private value(token: Token): string {
    const problems = labelValueProblems(token.text);
    if (problems.length) this.fail(token, `invalid label value "${token.text}": ${problems.join('; ')}`);
    return token.text;
  }

  private requirement(): LabelRequirement {
    if (this.peek().kind === '!') {
      this.next();
      return { key: this.key(), operator: '!', values: [] };
    }
    const key = this.key();
    const op = this.peek();
    switch (op.kind) {
      case ',':
      case 'end':
        return { key, operator: 'exists', values: [] };
      case '=':
      case '==':
      case '!=': {
        this.next();
        const token = this.peek();
        // `key=` with nothing after it selects the empty value.
        if (token.kind === ',' || token.kind === 'end') return { key, operator: op.kind, values: [''] };
        if (!isValueToken(token)) this.fail(token, `found ${describe(token)}, expected a label value`);
        return { key, operator: op.kind, values: [this.value(this.next())] };
      }
      case 'in':
      case 'notin':
        this.next();
        return { key, operator: op.kind, values: this.valueList() };
      default:
        return this.fail(op, `found ${describe(op)}, expected one of '=', '==', '!=', 'in', 'notin', ',' after key "${key}"`);
    }
  }

  private valueList(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, `found ${describe(open)}, expected '(' to start a list of values`);
    const values: string[] = [];
    for (;;) {
      const token = this.next();
      if (!isValueToken(token)) {
        const expected = values.length === 0 ? 'a label value' : 'a label value after \',\'';
        this.fail(token, `found ${describe(token)}, expected ${expected}`);
      }
      values.push(this.value(token));
      const sep = this.next();
      if (sep.kind === ')') return values;
      if (sep.kind !== ',') this.fail(sep, `found ${describe(sep)}, expected ',' or ')'`);
    }
  }
}

/**
 * Parses `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, separated by commas.
 * Throws SelectorParseError (a 400 ApiError) naming the character position of the problem.
 */
export function parseLabelSelector(input: string): Selector {
  return new LabelSelectorParser(input).parse();
}
