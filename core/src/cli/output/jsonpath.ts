// kubectl's JSONPath templates (`-o jsonpath=...`, custom-columns): text with `{...}` actions:
// paths (`.a.b`, `['a']`, `[0]`, `[-1]`, `[1:3:1]`, `[*]`, `..name`, `[?(@.type=="Ready")]`,
// unions `['a','b']`), quoted strings (`{"\n"}`), and `{range PATH}...{end}` loops. Output
// follows kubectl: one action's results joined by spaces, strings bare, maps and lists as JSON.
import { JsonPathError, parseTemplate, type Node, type Path, type Segment } from './jsonpath-parser.js';

export { JsonPathError };

export interface JsonPathOptions {
  /** Print nothing for a missing field instead of failing (kubectl get does). Default true. */
  allowMissingKeys?: boolean;
}

/** A parsed template; `execute` may run many times. */
export class JsonPathTemplate {
  private readonly nodes: Node[];

  constructor(
    readonly source: string,
    private readonly options: JsonPathOptions = {},
  ) {
    this.nodes = parseTemplate(source);
  }

  /** The template's output for `data`. */
  execute(data: unknown): string {
    const out: string[] = [];
    this.run(this.nodes, data, data, out);
    return out.join('');
  }

  /** The values of a template holding one path (custom-columns' cells). */
  values(data: unknown): unknown[] {
    const path = this.nodes.find((n): n is Extract<Node, { type: 'path' }> => n.type === 'path');
    return path ? this.evaluate(path.path, data, data) : [];
  }

  private run(nodes: Node[], root: unknown, current: unknown, out: string[]): void {
    for (const node of nodes) {
      if (node.type === 'text' || node.type === 'literal') out.push(node.text);
      else if (node.type === 'path') out.push(this.evaluate(node.path, root, current).map(toText).join(' '));
      else for (const item of this.evaluate(node.path, root, current)) this.run(node.body, root, item, out);
    }
  }

  private evaluate(path: Path, root: unknown, current: unknown): unknown[] {
    let values = [path.root === '$' ? root : current];
    for (const segment of path.segments) values = this.step(segment, values, root);
    return values;
  }

  private step(segment: Segment, values: unknown[], root: unknown): unknown[] {
    const out: unknown[] = [];
    switch (segment.type) {
      case 'field':
        // A union lists every value of the first name, then of the next (kubectl's order).
        for (const name of segment.names) {
          for (const v of values) {
            if (isRecord(v) && Object.hasOwn(v, name)) out.push(v[name]);
            else if (!this.allowMissing && isRecord(v)) throw new JsonPathError(`${name} is not found`);
          }
        }
        return out;
      case 'wildcard':
        for (const v of values) out.push(...children(v));
        return out;
      case 'index':
        for (const v of values) {
          if (!Array.isArray(v)) continue;
          const i = segment.index < 0 ? v.length + segment.index : segment.index;
          if (i < 0 || i >= v.length) {
            if (this.allowMissing && v.length === 0) continue;
            throw new JsonPathError(`array index out of bounds: index ${segment.index}, length ${v.length}`);
          }
          out.push(v[i]);
        }
        return out;
      case 'slice':
        for (const v of values) if (Array.isArray(v)) out.push(...slice(v, segment));
        return out;
      case 'recursive':
        for (const v of values) descend(v, out);
        return out;
      case 'filter':
        for (const v of values) {
          for (const item of Array.isArray(v) ? v : []) if (this.matches(segment, root, item)) out.push(item);
        }
        return out;
    }
  }

  private get allowMissing(): boolean {
    return this.options.allowMissingKeys ?? true;
  }

  private matches(filter: Extract<Segment, { type: 'filter' }>, root: unknown, item: unknown): boolean {
    const lenient = new JsonPathTemplate('', { allowMissingKeys: true });
    const left = lenient.evaluate(filter.left, root, item);
    if (!filter.op) return left.length > 0 && left[0] !== null && left[0] !== undefined;
    const right = filter.right!.type === 'literal' ? [filter.right!.value] : lenient.evaluate(filter.right!.path, root, item);
    if (left.length === 0 || right.length === 0) return false;
    return compare(left[0], filter.op, right[0]);
  }
}

/** Runs a template once: `jsonPath('{.metadata.name}', obj)`. */
export function jsonPath(template: string, data: unknown, options?: JsonPathOptions): string {
  return new JsonPathTemplate(template, options).execute(data);
}

/**
 * custom-columns and sort-by accept `.a.b`, `a.b` or `{.a.b}` (kubectl's relaxed form); returns
 * the braced template.
 */
export function relaxedJsonPath(expression: string): string {
  const trimmed = expression.trim();
  const inner = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  if (inner === '') throw new JsonPathError(`invalid field path "${expression}"`);
  return `{${inner.startsWith('.') || inner.startsWith('[') || inner.startsWith('$') || inner.startsWith('@') ? inner : `.${inner}`}}`;
}

// ---------------------------------------------------------------- output

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return goJson(value);
  return String(value);
}

/** JSON as Go's encoding/json writes it: keys sorted, `<>&` escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

// ---------------------------------------------------------------- evaluation helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return Object.keys(value).sort().map((k) => value[k]);
  return [];
}

function descend(value: unknown, out: unknown[]): void {
  out.push(value);
  for (const child of children(value)) descend(child, out);
}

function slice(list: unknown[], s: { start?: number; end?: number; step?: number }): unknown[] {
  const len = list.length;
  const clamp = (n: number): number => Math.min(Math.max(n < 0 ? len + n : n, 0), len);
  const start = clamp(s.start ?? 0);
  const end = clamp(s.end ?? len);
  const step = s.step && s.step > 0 ? s.step : 1;
  const out: unknown[] = [];
  for (let i = start; i < end; i += step) out.push(list[i]);
  return out;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === '==') return equal(a, b);
  if (op === '!=') return !equal(a, b);
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (!bothNumbers && !bothStrings) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
}

function equal(a: unknown, b: unknown): boolean {
  return typeof a === 'object' || typeof b === 'object' ? goJson(a) === goJson(b) : a === b;
}

