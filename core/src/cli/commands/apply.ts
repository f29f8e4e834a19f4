import type { Argv, CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { applyObject, withLastApplied } from '../kube/apply.js';
import { clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { DRY_RUN_OPTION, dryRunSuffix, forEachManifest, type DryRun } from '../kube/each-manifest.js';
import { withFileFlags, type FileArgs } from '../kube/files.js';
import { objectRef } from '../kube/targets.js';
import { formatObjects, parseOutputFormat } from '../output/printers.js';

interface ApplyArgs extends ClientArgs, FileArgs {
  'dry-run': DryRun;
  output?: string;
}

/** `corral apply -f`: create or update to match the files (client-side apply, as kubectl). */
export function applyCommand(ctx: CliContext): CommandModule<GlobalArgs, ApplyArgs> {
  return {
    command: 'apply',
    describe: 'Apply a configuration to resources from files or stdin: create what is missing, update the rest',
    builder: (y) =>
      withFileFlags(withClientFlags(y), 'to apply')
        .demandOption('filename', 'give the objects to apply with -f FILE (or -f - for stdin)')
        .option('dry-run', DRY_RUN_OPTION)
        .option('output', { alias: 'o', type: 'string', describe: 'print the applied objects: json|yaml|name' }) as Argv<ApplyArgs>,
    handler: clientHandler<ApplyArgs>(ctx, async (argv, client) => {
      const format = argv.output ? parseOutputFormat(argv.output, ['json', 'yaml', 'name']) : undefined;
      await forEachManifest(ctx, client, argv, 'applying', async (target) => {
        const dryRun = argv['dry-run'];
        const { result, object } =
          dryRun === 'client'
            ? { result: 'configured' as const, object: withLastApplied(target.object) }
            : await applyObject(client, target, { dryRun: dryRun === 'server' });
        if (format && format.type !== 'table') ctx.stdout.write(formatObjects(format, [{ resource: target.resource, object }], true));
        else ctx.stdout.write(`${objectRef(target.resource, object.metadata.name ?? target.name)} ${result}${dryRunSuffix(dryRun)}\n`);
      });
    }),
  };
}
