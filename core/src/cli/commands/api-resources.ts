import type { Argv, CommandModule } from 'yargs';
import type { ApiResource } from '../../client/discovery.js';
import { renderTable } from '../../server/table/render.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';

interface ApiResourcesArgs extends ClientArgs {
  namespaced?: boolean;
  'api-group'?: string;
  verbs?: string[];
  output?: string;
  headers: boolean;
  'sort-by'?: string;
}

/** `corral api-resources`: what the server serves, from discovery, with kubectl's columns. */
export function apiResourcesCommand(ctx: CliContext): CommandModule<GlobalArgs, ApiResourcesArgs> {
  return {
    command: 'api-resources',
    describe: 'Print the resource types the server serves',
    builder: (y) =>
      withClientFlags(y)
        .option('namespaced', { type: 'boolean', describe: 'only namespaced (true) or cluster-scoped (false) types' })
        .option('api-group', { type: 'string', describe: "only this API group ('' for the core group)" })
        .option('verbs', { type: 'string', array: true, describe: 'only types supporting these verbs' })
        .option('output', { alias: 'o', type: 'string', choices: ['wide', 'name'], describe: 'wide: add VERBS and CATEGORIES; name: names only' })
        .option('headers', { type: 'boolean', default: true, describe: 'print the header line (--no-headers leaves it out)' })
        .option('sort-by', { type: 'string', choices: ['name', 'kind'], describe: 'sort by this field' }) as Argv<ApiResourcesArgs>,
    handler: clientHandler<ApiResourcesArgs>(ctx, async (argv, client) => {
      const verbs = (argv.verbs ?? []).flatMap((v) => v.split(','));
      const resources = (await client.discovery.resources())
        .filter((r) => argv.namespaced === undefined || r.namespaced === argv.namespaced)
        .filter((r) => argv['api-group'] === undefined || r.group === argv['api-group'])
        .filter((r) => verbs.every((v) => r.verbs.includes(v)))
        .sort(order(argv['sort-by']));
      if (argv.output === 'name') {
        ctx.stdout.write(resources.map((r) => `${r.group ? `${r.name}.${r.group}` : r.name}\n`).join(''));
        return;
      }
      const wide = argv.output === 'wide';
      const names = ['Name', 'ShortNames', 'ApiVersion', 'Namespaced', 'Kind', ...(wide ? ['Verbs', 'Categories'] : [])];
      const rows = resources.map((r) => ({
        cells: [
          r.name,
          r.shortNames.join(','),
          r.group ? `${r.group}/${r.version}` : r.version,
          String(r.namespaced),
          r.kind,
          ...(wide ? [r.verbs.join(','), r.categories.join(',')] : []),
        ],
      }));
      if (rows.length === 0) throw new CliError('no resource types match');
      const columnDefinitions = names.map((name) => ({ name, type: 'string', format: '', description: '', priority: 0 }));
      ctx.stdout.write(renderTable({ apiVersion: 'meta.k8s.io/v1', kind: 'Table', metadata: {}, columnDefinitions, rows }, { noHeaders: !argv.headers }));
    }),
  };
}

function order(sortBy: string | undefined): (a: ApiResource, b: ApiResource) => number {
  if (sortBy === 'name') return (a, b) => a.name.localeCompare(b.name);
  if (sortBy === 'kind') return (a, b) => a.kind.localeCompare(b.kind);
  // The core group first, then groups and names alphabetically.
  return (a, b) => (a.group === b.group ? a.name.localeCompare(b.name) : a.group === '' ? -1 : b.group === '' ? 1 : a.group.localeCompare(b.group));
}
