// Tables as kubectl prints them: upper-case headers, columns padded to their widest cell plus
// three spaces (at least six wide), the last column unpadded.

import type { Table, TableCell, TableRow } from './types.js';

export interface RenderOptions {
  /** Show the priority-1 columns (`-o wide`). */
  wide?: boolean;
  noHeaders?: boolean;
  /** Prefix names with this kind, lower-cased (`pod/web`, `deployment.apps/web`), as `--show-kind` does. */
  showKind?: string;
  /** Add a NAMESPACE column first, from each row's object (`-A`); needs rows with objects. */
  withNamespace?: boolean;
}

const PADDING = 3;
const MIN_WIDTH = 6;

/** The table as text, one line per row, each ending in a newline; '' when there are no rows. */
export function renderTable(table: Table, options: RenderOptions = {}): string {
  if (table.rows.length === 0) return '';
  const columns = table.columnDefinitions
    .map((def, index) => ({ def, index }))
    .filter(({ def }) => options.wide || def.priority === 0);
  const lines: string[][] = [];
  if (!options.noHeaders) {
    lines.push([...(options.withNamespace ? ['NAMESPACE'] : []), ...columns.map(({ def }) => def.name.toUpperCase())]);
  }
  for (const row of table.rows) {
    const cells = columns.map(({ def, index }) => {
      const text = cellText(row.cells[index]);
      return options.showKind && def.format === 'name' ? `${options.showKind.toLowerCase()}/${text}` : text;
    });
    lines.push([...(options.withNamespace ? [namespaceOf(row)] : []), ...cells]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(MIN_WIDTH, ...lines.map((l) => width(l[i]!) + PADDING)));
  return lines
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)))).join(''))
    .map((line) => line + '\n')
    .join('');
}

/** A cell's text: only its first line, with control characters made visible. */
function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return '<none>';
  let text = String(cell);
  const lineBreak = text.search(/[\n\r\f]/);
  if (lineBreak >= 0) text = text.slice(0, lineBreak) + '...';
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\x7f' ? '^?' : '^' + String.fromCharCode(c.charCodeAt(0) + 64)));
}

function namespaceOf(row: TableRow): string {
  return row.object?.metadata?.namespace ?? '';
}

/** Width in code points, as kubectl's tabwriter counts. */
function width(text: string): number {
  return [...text].length;
}
