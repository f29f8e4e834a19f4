import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../../api/errors.js';
import type { ApiObject, ObjectList } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { kindPrefix } from '../../client/discovery.js';
import { renderTable } from '../../server/table/render.js';
import type { Table } from '../../server/table/types.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, formatApiError, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { readManifests, withFileFlags, type FileArgs } from '../kube/files.js';
import { fetchTable, withLabelsColumn } from '../kube/tables.js';
import { resolveTargets, type Target } from '../kube/targets.js';
import { watchTarget } from '../kube/watching.js';
import { formatObjects, parseOutputFormat, type OutputFormat, type Printed } from '../output/printers.js';

export interface GetArgs extends ClientArgs, FileArgs {
  args: string[];
  selector?: string;
  'field-selector'?: string;
  'all-namespaces': boolean;
  output?: string;
  'show-labels': boolean;
  headers: boolean;
  watch: boolean;
  'watch-only': boolean;
  'chunk-size': number;
}

/** `corral get`: kubectl get. */
export function getCommand(ctx: CliContext): CommandModule<GlobalArgs, GetArgs> {
  return {
    command: 'get [args..]',
    describe: 'Display one or many resources',
    builder: (y) =>
      withFileFlags(withClientFlags(y), 'to get')
        .positional('args', { type: 'string', array: true, default: [], describe: 'TYPE[,TYPE...] [NAME...] or TYPE/NAME...' })
        .option('selector', { alias: 'l', type: 'string', describe: 'label selector (e.g. -l app=web,tier!=db)' })
        .option('field-selector', { type: 'string', describe: 'field selector (e.g. --field-selector status.phase=Running)' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'list across all namespaces' })
        .option('output', { alias: 'o', type: 'string', describe: 'json|yaml|name|wide|jsonpath=...|custom-columns=...' })
        .option('show-labels', { type: 'boolean', default: false, describe: 'add a LABELS column' })
        // yargs reads --no-headers as "headers: false".
        .option('headers', { type: 'boolean', default: true, describe: 'print the header line (--no-headers leaves it out)' })
        .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'after listing, watch for changes' })
        .option('watch-only', { type: 'boolean', default: false, describe: 'watch for changes without listing first' })
        .option('chunk-size', { type: 'number', default: 500, describe: 'read large lists in pages of this size; 0 for one request' }) as Argv<GetArgs>,
    handler: clientHandler<GetArgs>(ctx, async (argv, client) => {
      const format = parseOutputFormat(argv.output);
      const targets = await targetsOf(ctx, client, argv);
      const namespace = argv.namespace ?? client.namespace;
      if (argv.watch || argv['watch-only']) {
        if (targets.length !== 1 || targets[0]!.names.length > 1) throw new CliError('you may only specify a single resource type (and at most one name) with --watch');
        await watchTarget(ctx, client, targets[0]!, format, {
          namespace,
          allNamespaces: argv['all-namespaces'],
          labelSelector: argv.selector,
          fieldSelector: argv['field-selector'],
          noHeaders: !argv.headers,
          showLabels: argv['show-labels'],
          listFirst: !argv['watch-only'],
          timeoutMs: client.transport.options.timeoutMs ?? 0,
        });
        return;
      }
      const missing = format.type === 'table' ? await printTables(ctx, client, targets, format, argv, namespace) : await printObjects(ctx, client, targets, format, argv, namespace);
      for (const err of missing) ctx.stderr.write(`${formatApiError(err)}\n`);
      if (missing.length > 0) ctx.exitCode = 1;
    }),
  };
}

async function targetsOf(ctx: CliContext, client: ApiClient, argv: GetArgs): Promise<Target[]> {
  if (argv.filename?.length) {
    if (argv.args.length > 0) throw new CliError('give either -f or resource arguments, not both');
    const targets: Target[] = [];
    for (const m of await readManifests(ctx, argv)) {
      const resource = await client.resourceFor(m.object);
      const name = m.object.metadata?.name;
      if (!name) throw new CliError(`${m.source}: document ${m.document}: the object has no metadata.name`);
      const t = targets.find((x) => x.resource === resource);
      if (t) t.names.push(name);
      else targets.push({ resource, names: [name] });
    }
    return targets;
  }
  if (argv.args.length === 0) {
    throw new CliError('you must specify the type of resource to get. Use "corral api-resources" for a complete list of supported resources.');
  }
  return resolveTargets(client, argv.args);
}

function noneFound(ctx: CliContext, argv: GetArgs, targets: Target[], namespace: string): void {
  const scoped = !argv['all-namespaces'] && targets.some((t) => t.resource.namespaced);
  ctx.stderr.write(scoped ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n');
}

async function printTables(
  ctx: CliContext,
  client: ApiClient,
  targets: Target[],
  format: Extract<OutputFormat, { type: 'table' }>,
  argv: GetArgs,
  namespace: string,
): Promise<ApiError[]> {
  const missing: ApiError[] = [];
  let printed = 0;
  for (const target of targets) {
    const result = await fetchTable(client, target.resource, target.names, {
      namespace,
      allNamespaces: argv['all-namespaces'],
      labelSelector: argv.selector,
      fieldSelector: argv['field-selector'],
      chunkSize: argv['chunk-size'],
    });
    missing.push(...result.missing);
    let table: Table | undefined = result.table;
    if (!table || table.rows.length === 0) continue;
    if (argv['show-labels']) table = withLabelsColumn(table);
    const text = renderTable(table, {
      wide: format.wide,
      noHeaders: !argv.headers,
      withNamespace: argv['all-namespaces'] && target.resource.namespaced,
      showKind: targets.length > 1 ? kindPrefix(target.resource) : undefined,
    });
    ctx.stdout.write((printed > 0 ? '\n' : '') + text);
    printed++;
  }
  if (printed === 0 && missing.length === 0) noneFound(ctx, argv, targets, namespace);
  return missing;
}

async function printObjects(
  ctx: CliContext,
  client: ApiClient,
  targets: Target[],
  format: Exclude<OutputFormat, { type: 'table' }>,
  argv: GetArgs,
  namespace: string,
): Promise<ApiError[]> {
  const missing: ApiError[] = [];
  const items: Printed[] = [];
  for (const { resource, names } of targets) {
    if (names.length > 0) {
      for (const name of names) {
        try {
          items.push({ resource, object: await client.get(resource, name, { namespace }) });
        } catch (err) {
          if (err instanceof ApiError && err.code === 404) missing.push(err);
          else throw err;
        }
      }
      continue;
    }
    const list: ObjectList<ApiObject> = await client.listAll(resource, {
      namespace,
      allNamespaces: argv['all-namespaces'],
      labelSelector: argv.selector,
      fieldSelector: argv['field-selector'],
      pageSize: argv['chunk-size'] || undefined,
    });
    items.push(...list.items.map((object) => ({ resource, object })));
  }
  const single = targets.length === 1 && targets[0]!.names.length === 1;
  if (items.length === 0 && !single) {
    // kubectl prints an empty List for json/yaml and nothing for the others.
    if (format.type === 'json' || format.type === 'yaml') ctx.stdout.write(formatObjects(format, [], false));
    else if (missing.length === 0) noneFound(ctx, argv, targets, namespace);
    return missing;
  }
  if (items.length > 0) ctx.stdout.write(formatObjects(format, items, single));
  return missing;
}
