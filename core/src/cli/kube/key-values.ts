// `label` and `annotate`: `k=v` sets, `k-` removes, sent as a merge patch of metadata.labels or
// metadata.annotations; an existing different value needs --overwrite.
import type { Argv, CommandModule } from 'yargs';
import { labelValueProblems, qualifiedNameProblems } from '../../api/names.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from './connect.js';
import { currentObject, forEachObject } from './each-object.js';
import { objectRef } from './targets.js';

interface KeyValueArgs extends ClientArgs {
  args: string[];
  overwrite: boolean;
  selector?: string;
  all: boolean;
  'all-namespaces': boolean;
  'resource-version'?: string;
  'dry-run': string;
}

export interface KeyValueChanges {
  set: Record<string, string>;
  remove: string[];
}

/** Splits `TYPE NAME k=v k2-` into the resource arguments and the changes. */
export function splitKeyValueArgs(args: readonly string[], field: 'labels' | 'annotations'): { resources: string[]; changes: KeyValueChanges } {
  const resources: string[] = [];
  const changes: KeyValueChanges = { set: {}, remove: [] };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) {
      const key = arg.slice(0, eq);
      const value = arg.slice(eq + 1);
      const problems = [...qualifiedNameProblems(key), ...(field === 'labels' ? labelValueProblems(value) : [])];
      if (problems.length > 0) throw new CliError(`invalid ${field === 'labels' ? 'label' : 'annotation'} "${arg}": ${problems.join('; ')}`);
      changes.set[key] = value;
    } else if (arg.endsWith('-') && !arg.includes('/') && resources.length > 0) {
      changes.remove.push(arg.slice(0, -1));
    } else {
      resources.push(arg);
    }
  }
  for (const key of changes.remove) if (key in changes.set) throw new CliError(`can not both modify and remove the ${field === 'labels' ? 'label' : 'annotation'} "${key}" in the same command`);
  if (Object.keys(changes.set).length === 0 && changes.remove.length === 0) throw new CliError(`at least one ${field === 'labels' ? 'label' : 'annotation'} update is required`);
  return { resources, changes };
}

/** A command factory for `label` (field labels) or `annotate` (field annotations). */
export function keyValueCommand(ctx: CliContext, field: 'labels' | 'annotations'): CommandModule<GlobalArgs, KeyValueArgs> {
  const verb = field === 'labels' ? 'label' : 'annotate';
  const done = field === 'labels' ? 'labeled' : 'annotated';
  return {
    command: `${verb} <args..>`,
    describe: field === 'labels' ? 'Update the labels on resources' : 'Update the annotations on resources',
    builder: (y) =>
      withClientFlags(y)
        .positional('args', { type: 'string', array: true, describe: 'TYPE NAME KEY=VALUE... KEY-...' })
        .option('overwrite', { type: 'boolean', default: false, describe: 'replace values already set' })
        .option('selector', { alias: 'l', type: 'string', describe: 'change the objects matching this label selector' })
        .option('all', { type: 'boolean', default: false, describe: 'change every object of the type in the namespace' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'with --all or -l: in every namespace' })
        .option('resource-version', { type: 'string', describe: 'change only if the object is still at this resourceVersion' })
        .option('dry-run', { type: 'string', choices: ['none', 'client', 'server'], default: 'none' }) as Argv<KeyValueArgs>,
    handler: clientHandler<KeyValueArgs>(ctx, async (argv, client) => {
      const { resources, changes } = splitKeyValueArgs(argv.args, field);
      await forEachObject(ctx, client, resources, argv, async (target) => {
        const object = await currentObject(client, target);
        const existing = object.metadata[field] ?? {};
        if (!argv.overwrite) {
          const clashes = Object.entries(changes.set).filter(([k, v]) => k in existing && existing[k] !== v);
          if (clashes.length > 0) {
            throw new CliError(clashes.map(([k]) => `'${k}' already has a value (${existing[k]}), and --overwrite is false`).join('\n'));
          }
        }
        const delta: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(changes.set)) if (existing[k] !== v) delta[k] = v;
        for (const k of changes.remove) if (k in existing) delta[k] = null;
        const ref = objectRef(target.resource, target.name);
        if (Object.keys(delta).length === 0) {
          ctx.stdout.write(`${ref} not ${done}\n`);
          return;
        }
        const metadata: Record<string, unknown> = { [field]: delta };
        if (argv['resource-version']) metadata.resourceVersion = argv['resource-version'];
        if (argv['dry-run'] !== 'client') {
          await client.patch(target.resource, target.name, { metadata }, 'merge', { namespace: target.namespace, dryRun: argv['dry-run'] === 'server' });
        }
        ctx.stdout.write(`${ref} ${done}\n`);
      });
    }),
  };
}
