// meta.k8s.io/v1 Table: what the API server returns for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and what `kubectl get` prints.

import type { ApiObject, ListMeta, ObjectMeta } from '../../api/index.js';

/** What each row carries besides its cells; Kubernetes' default is Metadata. */
export type IncludeObjectPolicy = 'None' | 'Object' | 'Metadata';

export interface TableColumnDefinition {
  name: string;
  /** An OpenAPI type: string, integer, number, boolean. */
  type: string;
  /** 'name' marks the column holding the object's name; '' otherwise. */
  format: string;
  description: string;
  /** 0: always shown; 1: shown only with `-o wide`. */
  priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRowCondition {
  /** The one type Kubernetes defines: a row whose object has run to completion. */
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadata';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: ApiObject | PartialObjectMetadata;
}

export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface TableOptions {
  /** Default 'Metadata', as in Kubernetes. */
  includeObject?: IncludeObjectPolicy;
  /** The clock for ages and durations; default: the current time. */
  now?: Date;
  /**
   * Include the priority-1 columns. Default true: a Kubernetes API server always sends them
   * and the client drops them unless asked for `-o wide`.
   */
  wide?: boolean;
  /** The list's metadata (resourceVersion, continue) to carry over. */
  listMeta?: ListMeta;
  /** Columns for a kind this module has no printer for (e.g. one a plugin registers). */
  printer?: Printer;
}

/** What a printer knows while it prints. */
export interface PrintContext {
  readonly now: Date;
  readonly wide: boolean;
}

/** The columns of one kind and how an object of it fills them (every column, wide ones too). */
export interface Printer<T extends ApiObject = ApiObject> {
  readonly columns: readonly TableColumnDefinition[];
  cells(obj: T, ctx: PrintContext): TableCell[];
  conditions?(obj: T): TableRowCondition[] | undefined;
}
