import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../../api/errors.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { DRY_RUN_OPTION, dryRunSuffix, forEachManifest, type DryRun } from '../kube/each-manifest.js';
import { withFileFlags, type FileArgs } from '../kube/files.js';
import { objectRef } from '../kube/targets.js';

interface ReplaceArgs extends ClientArgs, FileArgs {
  'dry-run': DryRun;
}

/** `corral replace -f`: put the objects as the files have them (PUT); each must exist. */
export function replaceCommand(ctx: CliContext): CommandModule<GlobalArgs, ReplaceArgs> {
  return {
    command: 'replace',
    describe: 'Replace resources with the objects from files or stdin',
    builder: (y) =>
      withFileFlags(withClientFlags(y), 'to put in place')
        .demandOption('filename', 'give the objects with -f FILE (or -f - for stdin)')
        .option('dry-run', DRY_RUN_OPTION) as Argv<ReplaceArgs>,
    handler: clientHandler<ReplaceArgs>(ctx, async (argv, client) => {
      await forEachManifest(ctx, client, argv, 'replacing', async (target) => {
        const dryRun = argv['dry-run'];
        if (dryRun !== 'client') {
          const object = target.object;
          // A manifest without a resourceVersion replaces whatever is stored: take the current one.
          const unconditional = !object.metadata.resourceVersion;
          for (let attempt = 0; ; attempt++) {
            if (unconditional) {
              const current = await client.get(target.resource, target.name, { namespace: target.namespace });
              object.metadata.resourceVersion = current.metadata.resourceVersion;
            }
            try {
              await client.update(target.resource, object, { namespace: target.namespace, dryRun: dryRun === 'server' });
              break;
            } catch (err) {
              if (unconditional && attempt < 3 && err instanceof ApiError && err.reason === 'Conflict') continue;
              throw err;
            }
          }
        }
        ctx.stdout.write(`${objectRef(target.resource, target.name)} replaced${dryRunSuffix(dryRun)}\n`);
      });
    }),
  };
}
