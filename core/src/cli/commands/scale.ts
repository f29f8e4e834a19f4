import type { Argv, CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { forEachObject } from '../kube/each-object.js';
import { objectRef } from '../kube/targets.js';

interface ScaleArgs extends ClientArgs {
  args: string[];
  replicas: number;
  'current-replicas': number;
  'resource-version'?: string;
  selector?: string;
  all: boolean;
}

/** `corral scale --replicas=N TYPE NAME`: through the `/scale` subresource, as kubectl. */
export function scaleCommand(ctx: CliContext): CommandModule<GlobalArgs, ScaleArgs> {
  return {
    command: 'scale <args..>',
    describe: 'Set a new size for a deployment, replica set, replication controller or other scalable resource',
    builder: (y) =>
      withClientFlags(y)
        .positional('args', { type: 'string', array: true, describe: 'TYPE NAME or TYPE/NAME' })
        .option('replicas', { type: 'number', demandOption: 'give the new size with --replicas=N', describe: 'the new number of replicas' })
        .option('current-replicas', { type: 'number', default: -1, describe: 'scale only if the current size is this (-1: any)' })
        .option('resource-version', { type: 'string', describe: 'scale only if the resourceVersion is still this' })
        .option('selector', { alias: 'l', type: 'string', describe: 'scale the objects matching this label selector' })
        .option('all', { type: 'boolean', default: false, describe: 'scale every object of the type in the namespace' }) as Argv<ScaleArgs>,
    handler: clientHandler<ScaleArgs>(ctx, async (argv, client) => {
      if (!Number.isInteger(argv.replicas) || argv.replicas < 0) throw new CliError('the --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
      await forEachObject(ctx, client, argv.args, argv, async (target) => {
        if (!target.resource.subresources.includes('scale')) {
          throw new CliError(`${target.resource.name} cannot be scaled: the server serves no scale subresource for it`);
        }
        const scale = await client.getScale(target.resource, target.name, { namespace: target.namespace });
        const current = scale.spec?.replicas ?? 0;
        if (argv['current-replicas'] >= 0 && current !== argv['current-replicas']) {
          throw new CliError(`Expected replicas to be ${argv['current-replicas']}, was ${current}`);
        }
        if (argv['resource-version'] && scale.metadata.resourceVersion !== argv['resource-version']) {
          throw new CliError(`Expected resourceVersion to be ${argv['resource-version']}, was ${scale.metadata.resourceVersion}`);
        }
        const preconditioned = argv['current-replicas'] >= 0 || argv['resource-version'] !== undefined;
        await client.scale(target.resource, target.name, argv.replicas, {
          namespace: target.namespace,
          // With a precondition, the write must land on exactly what was checked.
          resourceVersion: preconditioned ? scale.metadata.resourceVersion : undefined,
        });
        ctx.stdout.write(`${objectRef(target.resource, target.name)} scaled\n`);
      });
    }),
  };
}
