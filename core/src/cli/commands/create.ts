import type { Argv, CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { withLastApplied } from '../kube/apply.js';
import { clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { DRY_RUN_OPTION, dryRunSuffix, forEachManifest, type DryRun } from '../kube/each-manifest.js';
import { withFileFlags, type FileArgs } from '../kube/files.js';
import { withGenerators } from '../kube/generators/commands.js';
import { objectRef } from '../kube/targets.js';
import { formatObjects, parseOutputFormat } from '../output/printers.js';

interface CreateArgs extends ClientArgs, FileArgs {
  'dry-run': DryRun;
  'save-config': boolean;
  output?: string;
}

/**
 * `corral create -f`: create the objects; an existing one is an error. `corral create
 * serviceaccount|namespace|configmap NAME`: kubectl's generators, building the object from flags.
 */
export function createCommand(ctx: CliContext): CommandModule<GlobalArgs, CreateArgs> {
  return {
    command: 'create',
    describe: 'Create resources from files or stdin, or one of the kinds below from flags',
    builder: (y) =>
      withGenerators(
        ctx,
        withFileFlags(withClientFlags(y), 'to create')
          .option('dry-run', DRY_RUN_OPTION)
          .option('save-config', { type: 'boolean', default: false, describe: 'record the configuration for a later apply' })
          .option('output', { alias: 'o', type: 'string', describe: 'print the created objects: json|yaml|name' }),
      )
        // A generator subcommand takes no -f: these flags stay with `create` itself.
        .option('filename', { global: false })
        .option('recursive', { global: false })
        .demandOption('filename', 'give the objects to create with -f FILE (or -f - for stdin), or name a kind: configmap, namespace, serviceaccount') as Argv<CreateArgs>,
    handler: clientHandler<CreateArgs>(ctx, async (argv, client) => {
      const format = argv.output ? parseOutputFormat(argv.output, ['json', 'yaml', 'name']) : undefined;
      await forEachManifest(ctx, client, argv, 'creating', async (target) => {
        const dryRun = argv['dry-run'];
        const body = argv['save-config'] ? withLastApplied(target.object) : target.object;
        const object = dryRun === 'client' ? body : await client.create(target.resource, body, { namespace: target.namespace, dryRun: dryRun === 'server' });
        if (format && format.type !== 'table') ctx.stdout.write(formatObjects(format, [{ resource: target.resource, object }], true));
        else ctx.stdout.write(`${objectRef(target.resource, object.metadata.name ?? target.name)} created${dryRunSuffix(dryRun)}\n`);
      });
    }),
  };
}
