// Server-side printing (meta.k8s.io/v1 Table) and the kubectl-style text renderer.
export { toTable, printerFor } from './table.js';
export { renderTable } from './render.js';
export type { RenderOptions } from './render.js';
export { humanDuration, age } from './age.js';
export type {
  IncludeObjectPolicy,
  PartialObjectMetadata,
  PrintContext,
  Printer,
  Table,
  TableCell,
  TableColumnDefinition,
  TableOptions,
  TableRow,
  TableRowCondition,
} from './types.js';
