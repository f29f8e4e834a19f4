// Column alignment as Go's text/tabwriter does it (kubectl's describe output): cells end with a
// tab; consecutive lines that have a cell in the same column form a block, padded to the block's
// widest cell plus `padding`. The text after a line's last tab is never padded.

export function alignTabs(text: string, padding = 2): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const write = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      out.push(cells.map((cell, j) => (j < cells.length - 1 ? cell.padEnd(widths[j] ?? 0) : cell)).join(''));
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      // A block of cells in this column starts at line i.
      write(line0, i);
      line0 = i;
      let width = 0;
      for (; i < line1 && column < lines[i]!.length - 1; i++) width = Math.max(width, [...lines[i]![column]!].length + padding);
      widths.push(width);
      format(line0, i);
      widths.pop();
      line0 = i;
      i--;
    }
    write(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n');
}
