// Builds describe output: `Key:\tvalue` lines at indent levels, aligned at the end as kubectl's
// tabwriter aligns them.
import { alignTabs } from '../output/tabwriter.js';

export const NONE = '<none>';

export class DescribeWriter {
  private readonly lines: string[] = [];

  /** `Key:  value` at `level` (two spaces each). */
  item(level: number, key: string, value: unknown = ''): this {
    this.lines.push(`${'  '.repeat(level)}${key}:\t${format(value)}`);
    return this;
  }

  /** A line as is (its tabs still align). */
  line(level: number, text: string): this {
    this.lines.push(`${'  '.repeat(level)}${text}`);
    return this;
  }

  /** `Labels:  a=1` then one `b=2` per line below, as kubectl lists maps; `<none>` when empty. */
  map(level: number, key: string, map: Record<string, string> | undefined, separator = '='): this {
    const keys = Object.keys(map ?? {}).sort();
    if (keys.length === 0) return this.item(level, key, NONE);
    keys.forEach((k, i) => this.lines.push(`${'  '.repeat(level)}${i === 0 ? `${key}:` : ''}\t${k}${separator}${map![k]}`));
    return this;
  }

  /** A small table under a heading: rows of cells, tab-separated. */
  table(level: number, header: string[], rows: string[][]): this {
    const pad = '  '.repeat(level);
    this.lines.push(`${pad}${header.join('\t')}`);
    this.lines.push(`${pad}${header.map((h) => '-'.repeat(h.length)).join('\t')}`);
    for (const row of rows) this.lines.push(`${pad}${row.join('\t')}`);
    return this;
  }

  toString(): string {
    return `${alignTabs(this.lines.join('\n'))}\n`;
  }
}

function format(value: unknown): string {
  if (value === undefined || value === null || value === '') return value === '' ? '' : NONE;
  if (Array.isArray(value)) return value.length === 0 ? NONE : value.join(', ');
  return String(value);
}

/** `Mon, 02 Jan 2006 15:04:05 +0000` (Go's RFC1123Z, in UTC), as kubectl prints times. */
export function describeTime(timestamp: string | undefined): string {
  if (!timestamp) return NONE;
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
