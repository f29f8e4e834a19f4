// `get -w`: list (unless --watch-only), then print each change as it arrives, until the request
// timeout ends the watch or the process is interrupted.
import type { ApiObject } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { renderTable } from '../../server/table/render.js';
import { toTable } from '../../server/table/table.js';
import type { Table } from '../../server/table/types.js';
import type { CliContext } from '../context.js';
import { formatObjects, type OutputFormat } from '../output/printers.js';
import { fetchTable, withLabelsColumn } from './tables.js';
import type { Target } from './targets.js';

export interface WatchPrintOptions {
  namespace: string;
  allNamespaces: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  noHeaders: boolean;
  showLabels: boolean;
  listFirst: boolean;
  /** Stop after this long (--request-timeout); 0 watches until interrupted. */
  timeoutMs: number;
}

export async function watchTarget(ctx: CliContext, client: ApiClient, target: Target, format: OutputFormat, options: WatchPrintOptions): Promise<void> {
  const { resource } = target;
  const name = target.names[0];
  const fieldSelector = [options.fieldSelector, name ? `metadata.name=${name}` : undefined].filter(Boolean).join(',') || undefined;
  const query = { namespace: options.namespace, allNamespaces: options.allNamespaces, labelSelector: options.labelSelector, fieldSelector };
  const withNamespace = options.allNamespaces && resource.namespaced;
  let headerPrinted = options.noHeaders;
  let resourceVersion: string | undefined;

  const print = (table: Table): void => {
    if (table.rows.length === 0) return;
    if (format.type !== 'table') return;
    const shown = options.showLabels ? withLabelsColumn(table) : table;
    const text = renderTable(shown, { wide: format.wide, withNamespace });
    // Each change is its own line, aligned to a fresh header; the header itself only once.
    ctx.stdout.write(headerPrinted ? text.slice(text.indexOf('\n') + 1) : text);
    headerPrinted = true;
  };

  if (options.listFirst) {
    if (format.type === 'table') {
      const initial = await fetchTable(client, resource, [], { ...query, chunkSize: 500 });
      resourceVersion = initial.resourceVersion;
      if (initial.table) print(initial.table);
    } else {
      const list = await client.listAll(resource, query);
      resourceVersion = list.metadata?.resourceVersion;
      for (const object of list.items) ctx.stdout.write(formatObjects(format, [{ resource, object }], true));
    }
  } else {
    resourceVersion = (await client.list(resource, { ...query, limit: 1 })).metadata?.resourceVersion;
  }

  const abort = new AbortController();
  const timer = options.timeoutMs > 0 ? setTimeout(() => abort.abort(), options.timeoutMs) : undefined;
  const watch = client.watch<ApiObject>(resource, { ...query, resourceVersion, signal: abort.signal });
  try {
    for await (const event of watch) {
      if (format.type === 'table') print(toTable(resource.kind, [event.object]));
      else ctx.stdout.write(formatObjects(format, [{ resource, object: event.object }], true));
    }
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
}
