// Tables for `get`: the server's own (Accept: ...;as=Table), read in chunks as kubectl does,
// with a client-side fallback for a server that answers with plain objects.
import { ApiError } from '../../api/errors.js';
import type { ApiObject, ObjectList } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ApiResource } from '../../client/discovery.js';
import { toTable } from '../../server/table/table.js';
import type { Table, TableRow } from '../../server/table/types.js';

export interface TableQuery {
  namespace?: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size for lists (kubectl's --chunk-size); 0 reads all at once. */
  chunkSize?: number;
}

/** The rows of the named objects, or of every matching object; NotFound names are returned apart. */
export async function fetchTable(
  client: ApiClient,
  resource: ApiResource,
  names: readonly string[],
  query: TableQuery,
): Promise<{ table?: Table; resourceVersion?: string; missing: ApiError[] }> {
  const missing: ApiError[] = [];
  let table: Table | undefined;
  let resourceVersion: string | undefined;
  const add = (next: Table): void => {
    if (!table) table = { ...next, rows: [...next.rows] };
    else table.rows.push(...next.rows);
  };
  if (names.length > 0) {
    for (const name of names) {
      try {
        add(asTable(resource, await client.table(resource, { namespace: query.namespace, name })));
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) missing.push(err);
        else throw err;
      }
    }
    return { table, missing };
  }
  let token: string | undefined;
  do {
    const page = asTable(
      resource,
      await client.table(resource, {
        namespace: query.namespace,
        allNamespaces: query.allNamespaces,
        labelSelector: query.labelSelector,
        fieldSelector: query.fieldSelector,
        limit: query.chunkSize || undefined,
        continue: token,
      }),
    );
    resourceVersion ??= page.metadata?.resourceVersion;
    add(page);
    token = page.metadata?.continue;
  } while (token);
  return { table, resourceVersion, missing };
}

/** A Table as is; a list or object (a server without Table support) printed here. */
export function asTable(resource: ApiResource, answer: Table | ObjectList<ApiObject> | ApiObject): Table {
  if (answer.kind === 'Table') return answer as Table;
  const items = Array.isArray((answer as ObjectList<ApiObject>).items) ? (answer as ObjectList<ApiObject>).items : [answer as ApiObject];
  return toTable(resource.kind, items, { listMeta: (answer as ObjectList<ApiObject>).metadata });
}

/** kubectl's `--show-labels`: a LABELS column of `k=v,...` (keys sorted), `<none>` when empty. */
export function withLabelsColumn(table: Table): Table {
  return {
    ...table,
    columnDefinitions: [...table.columnDefinitions, { name: 'Labels', type: 'string', format: '', description: 'The labels of the object', priority: 0 }],
    rows: table.rows.map((row: TableRow) => ({ ...row, cells: [...row.cells, formatLabels(row.object?.metadata?.labels)] })),
  };
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}
