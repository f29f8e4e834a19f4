// Parsing kubectl's JSONPath templates into text, path, literal and range nodes.

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

export type Segment =
  | { type: 'field'; names: string[] }
  | { type: 'wildcard' }
  | { type: 'index'; index: number }
  | { type: 'slice'; start?: number; end?: number; step?: number }
  | { type: 'recursive' }
  | { type: 'filter'; left: Path; op?: string; right?: Operand };

export interface Path {
  root: '$' | '@';
  segments: Segment[];
}

export type Operand = { type: 'path'; path: Path } | { type: 'literal'; value: unknown };

export type Node =
  | { type: 'text'; text: string }
  | { type: 'path'; path: Path }
  | { type: 'literal'; text: string }
  | { type: 'range'; path: Path; body: Node[] };

export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: Extract<Node, { type: 'range' }>[] = [];
  const into = (): Node[] => (stack.length > 0 ? stack[stack.length - 1]!.body : root);
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{', i);
    if (open < 0) {
      into().push({ type: 'text', text: source.slice(i) });
      break;
    }
    if (open > i) into().push({ type: 'text', text: source.slice(i, open) });
    const close = findClose(source, open + 1);
    if (close < 0) throw new JsonPathError(`error parsing jsonpath ${source}, unclosed action`);
    const action = source.slice(open + 1, close).trim();
    i = close + 1;
    if (action === 'end') {
      if (!stack.pop()) throw new JsonPathError(`error parsing jsonpath ${source}: not in range, nothing to end`);
    } else if (action.startsWith('range ') || action === 'range') {
      const node = { type: 'range' as const, path: new PathParser(action.slice(5).trim(), source).parse(), body: [] };
      into().push(node);
      stack.push(node);
    } else if (action.startsWith('"') || action.startsWith("'")) {
      const parser = new PathParser(action, source);
      into().push({ type: 'literal', text: parser.quoted() });
      parser.expectEnd();
    } else {
      into().push({ type: 'path', path: new PathParser(action, source).parse() });
    }
  }
  if (stack.length > 0) throw new JsonPathError(`error parsing jsonpath ${source}: a range has no {end}`);
  return root;
}

/** The `}` closing an action, skipping quoted text (`{"}"}`). */
function findClose(source: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

const NAME_END = new Set([' ', '.', ',', '[', ']', '(', ')', '$', '@', '{', '}', '=', '!', '<', '>']);

class PathParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly template: string,
  ) {}

  parse(): Path {
    const path = this.path();
    this.expectEnd();
    return path;
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text.slice(this.pos)}"`);
  }

  private path(): Path {
    let root: '$' | '@' = '@';
    if (this.peek() === '$' || this.peek() === '@') root = this.text[this.pos++] as '$' | '@';
    const segments: Segment[] = [];
    for (;;) {
      const c = this.peek();
      if (c === '.' && this.text[this.pos + 1] === '.') {
        this.pos += 2;
        segments.push({ type: 'recursive' });
        if (this.peek() === '[') continue;
        segments.push(this.fieldOrWildcard());
      } else if (c === '.') {
        this.pos++;
        if (this.pos >= this.text.length || NAME_END.has(this.peek())) continue;
        segments.push(this.fieldOrWildcard());
      } else if (c === '[') {
        segments.push(this.bracket());
      } else if (segments.length === 0 && c !== '' && !NAME_END.has(c) && root === '@' && this.pos === 0) {
        segments.push(this.fieldOrWildcard());
      } else {
        return { root, segments };
      }
    }
  }

  private fieldOrWildcard(): Segment {
    if (this.peek() === '*') {
      this.pos++;
      return { type: 'wildcard' };
    }
    let name = '';
    while (this.pos < this.text.length && !NAME_END.has(this.peek())) {
      if (this.peek() === '\\' && this.pos + 1 < this.text.length) this.pos++;
      name += this.text[this.pos++];
    }
    if (name === '') this.fail('a field name is missing');
    return { type: 'field', names: [name] };
  }

  private bracket(): Segment {
    this.pos++; // [
    this.skipSpace();
    let segment: Segment;
    if (this.peek() === '*') {
      this.pos++;
      segment = { type: 'wildcard' };
    } else if (this.peek() === '?') {
      segment = this.filter();
    } else if (this.peek() === "'" || this.peek() === '"') {
      const names = [this.quoted()];
      for (this.skipSpace(); this.peek() === ','; this.skipSpace()) {
        this.pos++;
        this.skipSpace();
        names.push(this.quoted());
      }
      segment = { type: 'field', names };
    } else {
      const raw = this.until(']');
      const parts = raw.split(':').map((p) => p.trim());
      const num = (p: string | undefined): number | undefined => {
        if (p === undefined || p === '') return undefined;
        if (!/^-?\d+$/.test(p)) this.fail(`invalid array index "${raw}"`);
        return Number(p);
      };
      if (parts.length === 1) {
        const index = num(parts[0]);
        if (index === undefined) this.fail('an array index is missing');
        segment = { type: 'index', index: index! };
      } else if (parts.length <= 3) {
        segment = { type: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
      } else {
        this.fail(`invalid array index "${raw}"`);
      }
    }
    this.skipSpace();
    if (this.peek() !== ']') this.fail('a "]" is missing');
    this.pos++;
    return segment!;
  }

  private filter(): Segment {
    this.pos++; // ?
    if (this.peek() !== '(') this.fail('a filter must be written [?(...)]');
    this.pos++;
    this.skipSpace();
    const left = this.path();
    this.skipSpace();
    let op: string | undefined;
    let right: Operand | undefined;
    const match = /^(==|!=|<=|>=|<|>)/.exec(this.text.slice(this.pos));
    if (match) {
      op = match[1]!;
      this.pos += op.length;
      this.skipSpace();
      right = this.operand();
      this.skipSpace();
    } else if (this.peek() !== ')') {
      this.fail(`unrecognized character in filter: "${this.peek()}"`);
    }
    if (this.peek() !== ')') this.fail('a filter is missing its ")"');
    this.pos++;
    return { type: 'filter', left, op, right };
  }

  private operand(): Operand {
    const c = this.peek();
    if (c === '"' || c === "'") return { type: 'literal', value: this.quoted() };
    if (c === '@' || c === '$') return { type: 'path', path: this.path() };
    const raw = /^[^\s)]+/.exec(this.text.slice(this.pos))?.[0] ?? '';
    this.pos += raw.length;
    if (raw === 'true' || raw === 'false') return { type: 'literal', value: raw === 'true' };
    if (raw === 'null') return { type: 'literal', value: null };
    if (raw !== '' && !Number.isNaN(Number(raw))) return { type: 'literal', value: Number(raw) };
    return this.fail(`invalid value in filter: "${raw}"`);
  }

  /** A quoted string with backslash escapes (`"\n"`, `"\t"`, `"\""`). */
  quoted(): string {
    const quote = this.text[this.pos++]!;
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      let c = this.text[this.pos++]!;
      if (c === '\\' && this.pos < this.text.length) {
        const e = this.text[this.pos++]!;
        c = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      }
      out += c;
    }
    if (this.text[this.pos] !== quote) this.fail('unterminated quoted string');
    this.pos++;
    return out;
  }

  private until(end: string): string {
    const at = this.text.indexOf(end, this.pos);
    if (at < 0) this.fail(`a "${end}" is missing`);
    const raw = this.text.slice(this.pos, at);
    this.pos = at;
    return raw;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private skipSpace(): void {
    while (this.peek() === ' ') this.pos++;
  }

  private fail(message: string): never {
    throw new JsonPathError(`error parsing jsonpath ${this.template}, ${message}`);
  }
}
