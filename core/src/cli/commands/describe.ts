import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { describeObject } from '../describe/index.js';
import { CliError, clientHandler, formatApiError, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { readManifests, withFileFlags, type FileArgs } from '../kube/files.js';
import { resolveTargets, type Target } from '../kube/targets.js';

interface DescribeArgs extends ClientArgs, FileArgs {
  args: string[];
  selector?: string;
  'all-namespaces': boolean;
  'show-events': boolean;
}

/** `corral describe TYPE [NAME_PREFIX]`: kubectl describe. */
export function describeCommand(ctx: CliContext): CommandModule<GlobalArgs, DescribeArgs> {
  return {
    command: 'describe [args..]',
    describe: 'Show details of a resource or group of resources, with their events',
    builder: (y) =>
      withFileFlags(withClientFlags(y), 'to describe')
        .positional('args', { type: 'string', array: true, default: [], describe: 'TYPE [NAME_PREFIX], or TYPE/NAME' })
        .option('selector', { alias: 'l', type: 'string', describe: 'describe the objects matching this label selector' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'in every namespace' })
        .option('show-events', { type: 'boolean', default: true, describe: 'list the events about each object' }) as Argv<DescribeArgs>,
    handler: clientHandler<DescribeArgs>(ctx, async (argv, client) => {
      const namespace = argv.namespace ?? client.namespace;
      let targets: Target[];
      if (argv.filename?.length) {
        targets = [];
        for (const m of await readManifests(ctx, argv)) targets.push({ resource: await client.resourceFor(m.object), names: [m.object.metadata.name!] });
      } else {
        if (argv.args.length === 0) throw new CliError('you must specify the type of resource to describe. Use "corral api-resources" for a complete list of supported resources.');
        targets = await resolveTargets(client, argv.args);
      }
      const found: { target: Target; object: ApiObject }[] = [];
      let missing = false;
      for (const target of targets) {
        const ns = { namespace, allNamespaces: argv['all-namespaces'], labelSelector: argv.selector };
        if (target.names.length === 0) {
          for (const object of (await client.listAll(target.resource, ns)).items) found.push({ target, object });
          continue;
        }
        for (const name of target.names) {
          try {
            found.push({ target, object: await client.get(target.resource, name, { namespace }) });
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
            // kubectl describes every object whose name starts with what was typed.
            const byPrefix = (await client.listAll(target.resource, ns)).items.filter((o) => o.metadata.name?.startsWith(name));
            if (byPrefix.length === 0) {
              ctx.stderr.write(`${formatApiError(err)}\n`);
              missing = true;
            }
            for (const object of byPrefix) found.push({ target, object });
          }
        }
      }
      if (found.length === 0 && !missing) {
        ctx.stderr.write(argv['all-namespaces'] ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
      }
      let first = true;
      for (const { target, object } of found) {
        const text = await describeObject(client, target.resource, object, { events: argv['show-events'] });
        ctx.stdout.write(first ? text : `\n\n${text}`);
        first = false;
      }
      if (missing) ctx.exitCode = 1;
    }),
  };
}
